#!/bin/sh
# make check and make check-full: check each base given as BASE=LEVEL
# (LEVEL full, ci, series or quick, see "make check-one" in the Makefile), each into
# results/<base>/, then one report over all of them: a line per suite, each
# headed by its base, a total per base and the sum.  Fails on any failure
# in any base, among them a base whose kernels or initramfs did not build
# (its "build" line).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
MAKE=make

dirs=
for arg in "$@"; do
	base=${arg%%=*} level=${arg#*=}
	res=$TOP/results/$base
	# What a check writes, so that nothing of an earlier run is counted
	# (make bench's results stay).
	rm -rf "$res"/*.tap "$res/host" "$res/ref" "$res/oracle.md" "$res/suites" \
		"$res/base" "$res/matrix" "$res"/s8-*.txt \
		"$res/guest.out" "$res/console.log" "$res/no-guest"
	mkdir -p "$res/host"
	echo "check: BASE=$base, $level check"
	start=$(date +%s)
	rc=0
	$MAKE --no-print-directory BASE="$base" LEVEL="$level" check-one || rc=$?
	secs=$(( $(date +%s) - start ))
	# Its kernels and initramfs built (its sub-make's status); the
	# suites' failures are the report's.
	python3 "$TOP/scripts/tap.py" status \
		"make check-one BASE=$base LEVEL=$level (${secs}s): what it needs built" \
		"$rc" > "$res/host/build.tap"
	echo "check: BASE=$base took ${secs}s"
	dirs="$dirs $res"
done
# shellcheck disable=SC2086
python3 "$TOP/scripts/tap.py" report-bases $dirs
