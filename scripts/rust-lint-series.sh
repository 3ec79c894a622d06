#!/bin/sh
# The other base's Rust lint in make check (LEVEL=series), which builds no
# kernel of its own there: rustfmtcheck and rustdoc (a warning fails it)
# in series-check's build of the last prefix, as TAP.  Clippy needs
# nothing more: series-check builds every prefix with CLIPPY=1
# KRUSTFLAGS=-Dwarnings.  Usage: rust-lint-series.sh SRC OBJ
set -u
. "$(dirname "$0")/common.sh"

src=$(realpath "$1")
obj=$(realpath "$2")
log=$obj/.rust-lint-series.log
n=0
fails=0
echo 'TAP version 13'
echo '1..2'
check() {	# $1: target, $2: what; a rustdoc warning counts as a failure
	n=$((n + 1))
	rc=0
	# shellcheck disable=SC2086
	make -s -C "$src" O="$obj" $KMAKE_ARGS "$1" > "$log" 2>&1 || rc=$?
	[ "$1" = rustdoc ] && grep -q -i 'warning' "$log" && rc=1
	if [ $rc = 0 ]; then
		echo "ok $n $2"
	else
		sed 's/^/# /' "$log"
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}
check rustfmtcheck "rustfmtcheck, series-check's tree of the last prefix"
check rustdoc "rustdoc without warnings, series-check's build of the last prefix"
[ $fails = 0 ]
