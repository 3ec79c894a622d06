#!/bin/sh
# make check and make check-full: check each base given as BASE=LEVEL
# (LEVEL full, ci, series or quick, see "make check-one" in the Makefile), each into
# results/<base>/, then one report over all of them: a line per suite, each
# headed by its base, a total per base and the sum.  Fails on any failure
# in any base, among them a base whose kernels or initramfs did not build
# (its "build" line).
# The first base runs in the foreground; each further one at the same
# time, at nice 19, so that it only takes the CPU the first leaves idle
# (a guest under TCG uses one core, a Rust crate or a link one; the
# builds of the first base get both): its output goes to
# results/<base>/check.log and is shown when it is done.  The packages of
# every base are installed first, one base at a time (apt and cargo).
# CHECK_SERIAL=1 runs the bases one after the other instead.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
MAKE=make

# One base: scripts/check.sh --one BASE=LEVEL.
if [ "${1:-}" = --one ]; then
	arg=$2
	base=${arg%%=*} level=${arg#*=}
	res=$TOP/results/$base
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
	exit 0
fi

dirs=
for arg in "$@"; do
	base=${arg%%=*}
	res=$TOP/results/$base
	# What a check writes, so that nothing of an earlier run is counted
	# (make bench's results stay).
	rm -rf "$res"/*.tap "$res/host" "$res/ref" "$res/oracle.md" "$res/suites" \
		"$res/base" "$res/matrix" "$res"/s8-*.txt \
		"$res/guest.out" "$res/console.log" "$res/no-guest" "$res/check.log"
	mkdir -p "$res/host"
	dirs="$dirs $res"
	# A base whose packages do not install fails in its own check
	# (check-one needs them too), with the message there.
	$MAKE --no-print-directory BASE="$base" deps || true
done

first=$1
shift
pids=
if [ "${CHECK_SERIAL:-0}" != 1 ]; then
	for arg in "$@"; do
		base=${arg%%=*}
		echo "check: BASE=$base runs beside BASE=${first%%=*} at nice 19 (its output: results/$base/check.log)"
		nice -n 19 "$0" --one "$arg" > "$TOP/results/$base/check.log" 2>&1 &
		pids="$pids $!"
	done
fi
"$0" --one "$first"
if [ -n "$pids" ]; then
	# shellcheck disable=SC2086
	wait $pids
	for arg in "$@"; do
		echo "check: the output of BASE=${arg%%=*}:"
		cat "$TOP/results/${arg%%=*}/check.log"
	done
else
	for arg in "$@"; do
		"$0" --one "$arg"
	done
fi
# shellcheck disable=SC2086
python3 "$TOP/scripts/tap.py" report-bases $dirs
