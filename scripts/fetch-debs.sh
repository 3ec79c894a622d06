#!/bin/sh
# Fetch Debian packages of another release than the host's, without touching
# the host's apt configuration: a private sources list and apt state under
# build/apt/<suite>, then "apt-get download" and "dpkg-deb -x".
#   fetch-debs.sh SUITE DEST PKG=VERSION...
# unpacks each package into DEST (one tree for all of them).  A version the
# archive no longer has is an error that lists the versions it does have.
set -eu
. "$(dirname "$0")/common.sh"

[ $# -ge 3 ] || die "usage: fetch-debs.sh SUITE DEST PKG=VERSION..."
suite=$1 dest=$2
shift 2
A=$BUILD_TOP/apt/$suite
mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/debs"
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian %s main\n' \
	"$suite" > "$A/sources.list"
aptopts="-o Dir::Etc::SourceList=$A/sources.list -o Dir::Etc::SourceParts=/dev/null
-o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache -o Dir::State::status=/dev/null
-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
-o APT::Architecture=amd64 -o APT::Sandbox::User=root -o Debug::NoLocking=1"

# The package lists, refreshed when older than a day.
if [ -z "$(find "$A/lists" -maxdepth 1 -name '*_Packages*' -mtime -1 2>/dev/null)" ]; then
	# shellcheck disable=SC2086
	apt-get $aptopts -qq update >/dev/null 2>"$A/update.err" ||
		die "apt-get update for Debian $suite failed: $(cat "$A/update.err")"
fi

mkdir -p "$dest"
for pv in "$@"; do
	p=${pv%%=*} v=${pv#*=}
	# apt-get download names the file with the epoch, its ':' as "%3a".
	debv=$(echo "$v" | sed 's/:/%3a/')
	deb=$(ls "$A/debs/${p}_"*.deb 2>/dev/null | grep -F "_${debv}_" | head -n 1 || true)
	if [ -z "$deb" ]; then
		# shellcheck disable=SC2086
		have=$(apt-cache $aptopts madison "$p" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2}' | tr '\n' ' ')
		case " $have " in
		*" $v "*) ;;
		*) msg "error: Debian $suite no longer has $p $v; it has: ${have:-none}"
		   exit 2 ;;
		esac
		# shellcheck disable=SC2086
		(cd "$A/debs" && apt-get $aptopts -qq download "$p=$v" >/dev/null 2>"$A/download.err") ||
			die "apt-get download $p=$v from Debian $suite failed: $(cat "$A/download.err")"
		deb=$(ls "$A/debs/${p}_"*.deb | grep -F "_${debv}_" | head -n 1)
		[ -n "$deb" ] || die "apt-get download $p=$v left no ${p}_${debv}_*.deb in $A/debs"
	fi
	dpkg-deb -x "$deb" "$dest"
done
