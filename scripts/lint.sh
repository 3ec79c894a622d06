#!/bin/sh
# make lint: checkpatch.pl --strict on every patch of the series, the
# kernel's rustfmtcheck, and the Rust build through clippy with warnings as
# errors (see KMAKE_ARGS).  With --tap, report as TAP on stdout.
# --checkpatch: the checkpatch part alone (it needs no build, so make
# check runs it before the first kernel build); --build: the rest.
set -u
. "$(dirname "$0")/common.sh"

tap=0 cp=1 build=1
for arg in "$@"; do
	case $arg in
	--tap) tap=1 ;;
	--checkpatch) build=0 ;;
	--build) cp=0 ;;
	*) die "lint: unknown option $arg (--tap, --checkpatch, --build)" ;;
	esac
done
[ -d "$SRC/.git" ] || die "no kernel tree in $SRC; run: make tree"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

n=0
fails=0
count=0
[ $cp = 1 ] && count=$(series_patches | wc -l)
[ $build = 1 ] && count=$((count + 3))
[ $tap = 1 ] && printf 'TAP version 13\n1..%d\n' "$count"
result() {	# $1: 0 or not, $2: name; the log is shown on failure
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		[ $tap = 1 ] && echo "ok $n $2" || msg "lint: ok   $2"
	else
		fails=$((fails + 1))
		if [ $tap = 1 ]; then
			sed 's/^/# /' "$log"
			echo "not ok $n $2"
		else
			cat "$log" >&2
			msg "lint: FAIL $2"
		fi
	fi
}

[ $cp = 1 ] && for p in $(series_patches); do
	# Debian's python3 has the modules spdxcheck.py needs (python3-ply, -git).
	(cd "$SRC" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet --no-summary \
		--show-types "$PATCHES/$p") > "$log" 2>&1
	result $? "checkpatch --strict $p"
done

[ $build = 1 ] || { [ $fails = 0 ]; exit; }

# shellcheck disable=SC2086
make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS rustfmtcheck > "$log" 2>&1
result $? "rustfmtcheck"

# The kernel build compiles all Rust through clippy with -Dwarnings.
# shellcheck disable=SC2086
make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS -j"$(nproc)" vmlinux > "$log" 2>&1
result $? "clippy and rustc warnings (CLIPPY=1 KRUSTFLAGS=-Dwarnings build)"

# rustdoc of the kernel crate, warnings counted as failures; skipped (as
# passed) when the Rust sources are those of the last clean run.
rid=$( { kgit rev-parse HEAD:rust; kgit diff HEAD -- rust; } | sha256sum | cut -c1-16)
if [ "$(cat "$OBJ/.rustdoc-ok" 2>/dev/null)" = "$rid" ]; then
	: > "$log"
	rc=0
else
	# shellcheck disable=SC2086
	make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS rustdoc > "$log" 2>&1
	rc=$?
	grep -q -i 'warning' "$log" && rc=1
	[ $rc = 0 ] && printf '%s\n' "$rid" > "$OBJ/.rustdoc-ok"
fi
result $rc "rustdoc without warnings"

[ $fails = 0 ]
