#!/bin/sh
# Debian trixie's criu for the guest, with exactly the libraries it loads.
# Debian 12's criu 3.17.1 cannot dump on Linux 7.2 ("vdso: Unexpected rt
# vDSO area bounds"); trixie's 4.1.1 can, but needs trixie's glibc, so it
# cannot run on this Debian 12 host and ldd cannot name its libraries.
# Their closure is worked out from the ELF files themselves instead: the
# DT_NEEDED entries (readelf -d) of criu, then of every library that
# satisfies one, recursively.
#
#   criu-trixie.sh        fetch the packages pinned in config/criu-trixie.pkgs
#                         (scripts/fetch-debs.sh trixie) and assemble
#                         build/criu-trixie/root: usr/sbin/criu, every library
#                         of the closure in usr/lib/x86_64-linux-gnu, and
#                         criu's PT_INTERP (/lib64/ld-linux-x86-64.so.2) as a
#                         link to trixie's ld.so.  Fails if the pinned
#                         packages do not satisfy every DT_NEEDED.  Does
#                         nothing when the pins have not changed.
#   criu-trixie.sh --pin [criu=VERSION]
#                         work the package closure out anew from the
#                         archive's current trixie versions and write
#                         config/criu-trixie.pkgs: start from criu (the
#                         version given, else the pinned one); for each
#                         soname no package of the set ships, try the
#                         Depends/Pre-Depends of the set, keep the package
#                         that ships it; until nothing is missing.
set -eu
. "$(dirname "$0")/common.sh"

SUITE=trixie
PINS=$TOP/config/criu-trixie.pkgs
CT=$BUILD_TOP/criu-trixie
# Where ld.so of a Debian multiarch system finds libraries (merged /usr
# first: trixie's packages ship there).
LIBDIRS="usr/lib/x86_64-linux-gnu lib/x86_64-linux-gnu usr/lib lib usr/lib64 lib64"
GUEST_LIBDIR=usr/lib/x86_64-linux-gnu

pins() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$PINS"; }

# The file $1 (path relative to the tree $2) as a real file in $2: follow
# symbolic links inside the tree (absolute ones too), never out of it.
resolve() {	# $1: tree, $2: relative path
	p=$2 i=0
	while [ -L "$1/$p" ]; do
		i=$((i + 1))
		[ $i -le 20 ] || return 1
		t=$(readlink "$1/$p")
		case $t in
		/*) p=${t#/} ;;
		*) p=$(dirname "$p")/$t ;;
		esac
	done
	[ -f "$1/$p" ] || return 1
	printf '%s\n' "$p"
}

find_lib() {	# $1: tree, $2: soname; prints the path relative to the tree
	for _d in $LIBDIRS; do
		if [ -e "$1/$_d/$2" ] || [ -L "$1/$_d/$2" ]; then
			printf '%s/%s\n' "$_d" "$2"
			return 0
		fi
	done
	return 1
}

needed() { readelf -dW "$1" | sed -n 's/.*(NEEDED)[^[]*\[\(.*\)\]$/\1/p'; }
interp() { readelf -lW "$1" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]$/\1/p'; }

# The DT_NEEDED closure of usr/sbin/criu in the tree $1: "soname path" for
# every library found (path relative to the tree), into $1.found, and the
# sonames no file of the tree provides, into $1.missing.
closure() {	# $1: tree
	: > "$1.found"
	: > "$1.missing"
	[ -f "$1/usr/sbin/criu" ] || die "no usr/sbin/criu in $1"
	todo=usr/sbin/criu
	while [ -n "$todo" ]; do
		next=
		for f in $todo; do
			for so in $(needed "$1/$f"); do
				grep -q "^$so " "$1.found" && continue
				grep -qx "$so" "$1.missing" && continue
				if lib=$(find_lib "$1" "$so") && real=$(resolve "$1" "$lib"); then
					echo "$so $real" >> "$1.found"
					next="$next $real"
				else
					echo "$so" >> "$1.missing"
				fi
			done
		done
		todo=$next
	done
}

# --pin: the private apt state fetch-debs.sh keeps for the suite.
A=$BUILD_TOP/apt/$SUITE
aptc() {
	apt-cache -o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache" \
		-o Dir::State::status=/dev/null -o Dir::Etc::Preferences=/dev/null \
		-o Dir::Etc::PreferencesParts=/dev/null -o APT::Architecture=amd64 "$@"
}
current() {	# $1: package; its version in the suite now
	aptc madison "$1" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $2); print $2; exit}'
}
depends() {	# $1: package, $2: version; the package names it depends on
	aptc show "$1=$2" 2>/dev/null | sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' |
		tr ',|' '\n\n' | sed -e 's/(.*//' -e 's/:.*//' -e 's/[[:space:]]//g' -e '/^$/d' | sort -u
}

pin() {
	criu=${1:-}
	[ -n "$criu" ] || [ ! -f "$PINS" ] || criu=$(pins | grep '^criu=' | head -n 1)
	case $criu in criu=?*) ;; *) die "usage: criu-trixie.sh --pin [criu=VERSION]" ;; esac
	W=$CT/pin
	rm -rf "$W"
	mkdir -p "$W/cand"
	pkgs=$criu
	tried=
	while :; do
		rm -rf "$W/tree"
		# shellcheck disable=SC2086
		"$TOP/scripts/fetch-debs.sh" "$SUITE" "$W/tree" $pkgs
		closure "$W/tree"
		[ -s "$W/tree.missing" ] || break
		msg "criu-trixie: no package of the set ships: $(tr '\n' ' ' < "$W/tree.missing")"
		progress=0
		for pv in $pkgs; do
			for d in $(depends "${pv%%=*}" "${pv#*=}"); do
				case " $pkgs $tried " in *" $d="*|*" $d "*) continue ;; esac
				v=$(current "$d")
				[ -n "$v" ] || { tried="$tried $d"; continue; }	# virtual
				"$TOP/scripts/fetch-debs.sh" "$SUITE" "$W/cand/$d" "$d=$v"
				for so in $(cat "$W/tree.missing"); do
					if find_lib "$W/cand/$d" "$so" >/dev/null; then
						msg "criu-trixie: $so is in $d $v"
						pkgs="$pkgs $d=$v"
						progress=1
						break
					fi
				done
				case " $pkgs " in *" $d="*) ;; *) tried="$tried $d" ;; esac
			done
		done
		[ $progress = 1 ] ||
			die "no Debian $SUITE package among the dependencies ships: $(tr '\n' ' ' < "$W/tree.missing")"
	done
	{
		echo "# Debian $SUITE's criu and the package of every library it loads (the"
		echo "# DT_NEEDED closure of /usr/sbin/criu): the guest gets exactly these"
		echo "# versions.  Written by scripts/criu-trixie.sh --pin from the archive"
		echo "# of $(date -u +%Y-%m-%d); run it again when Debian moves past one."
		for pv in $pkgs; do echo "$pv"; done | sort
	} > "$PINS"
	msg "criu-trixie: $(pins | wc -l) packages pinned in $PINS"
	rm -rf "$W"
}

if [ "${1:-}" = --pin ]; then
	shift
	pin "$@"
	exit 0
fi

[ -f "$PINS" ] || die "$PINS is missing; write it with: scripts/criu-trixie.sh --pin criu=VERSION"
want=$( { pins; sha256sum < "$0"; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$CT/stamp" 2>/dev/null)" = "$want" ] && [ -x "$CT/root/usr/sbin/criu" ]; then
	exit 0
fi
rm -rf "$CT/tree" "$CT/root" "$CT/stamp"
mkdir -p "$CT"
msg "criu-trixie: fetching $(pins | wc -l) packages of Debian $SUITE ($(pins | grep '^criu='))"
rc=0
# shellcheck disable=SC2046
"$TOP/scripts/fetch-debs.sh" "$SUITE" "$CT/tree" $(pins) || rc=$?
[ $rc = 2 ] && die "Debian $SUITE moved past a version pinned in $PINS; pin the current ones with: scripts/criu-trixie.sh --pin (then check the guest's criu suites, and commit config/criu-trixie.pkgs)"
[ $rc = 0 ] || exit $rc

closure "$CT/tree"
[ -s "$CT/tree.missing" ] &&
	die "the packages pinned in $PINS lack libraries criu loads: $(tr '\n' ' ' < "$CT/tree.missing"); run: scripts/criu-trixie.sh --pin"

# The guest's tree: criu, the closure, and the interpreter's path.
R=$CT/root
mkdir -p "$R/usr/sbin" "$R/$GUEST_LIBDIR"
cp "$CT/tree/usr/sbin/criu" "$R/usr/sbin/criu"
while read -r so path; do
	cp "$CT/tree/$path" "$R/$GUEST_LIBDIR/$so"
done < "$CT/tree.found"
ip=$(interp "$R/usr/sbin/criu")
[ -n "$ip" ] || die "criu has no program interpreter"
ld=$(grep "^$(basename "$ip") " "$CT/tree.found" | cut -d' ' -f1)
[ -n "$ld" ] || die "criu's interpreter $ip is not in its DT_NEEDED closure"
if [ "$ip" != "/$GUEST_LIBDIR/$ld" ]; then
	mkdir -p "$R$(dirname "$ip")"
	ln -s "/$GUEST_LIBDIR/$ld" "$R$ip"
fi
(cd "$R" && find . ! -type d | LC_ALL=C sort) > "$CT/files"
msg "criu-trixie: $CT/root: criu and $(wc -l < "$CT/tree.found") libraries (interpreter $ip)"
printf '%s\n' "$want" > "$CT/stamp"
