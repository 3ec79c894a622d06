#!/bin/sh
# make series-check: apply the series with git am, one patch at a time, on
# a clean base in a worktree of its own (build/$BASE/series-check), build
# the kernel after each patch (incrementally, in one build directory,
# build/$BASE/obj-series), and run checkpatch.pl --strict on each patch.  One line
# per patch; fails if any patch does not apply, build, or pass checkpatch.
# A tree that holds no work of its own (as in CI) is checked in place
# instead, in the kernel's own build directory build/$BASE/obj: the last
# prefix is then the series kernel itself, which make kernel finds built.
# (Run this before make kernel, or the first step undoes its build.)
# With --tap the lines are TAP.  A series that passed before, unchanged,
# is not checked again: its saved result is given.
set -eu
. "$(dirname "$0")/common.sh"

[ -d "$SRC/.git" ] || die "no kernel tree in $SRC; run: make tree"
WT=$BUILD/series-check
SOBJ=$BUILD/obj-series
jobs=${JOBS:-$(nproc)}
log=$BUILD/series-check.log
okfile=$BUILD/series-check.ok	# "<series hash>" of the last clean run
tapfile=$BUILD/series-check.tap
tap=0
[ "${1:-}" = --tap ] && tap=1

if [ "$(cat "$okfile" 2>/dev/null)" = "$(series_hash)" ] && [ -f "$tapfile" ]; then
	msg "series-check: the series passed unchanged before; its result:"
	if [ $tap = 1 ]; then cat "$tapfile"; else grep '^ok' "$tapfile" >&2; fi
	exit 0
fi
rm -f "$okfile"
: > "$log"

inplace=0
if [ "${SERIES_CHECK_INPLACE:-1}" = 1 ] && [ -f "$BUILD/series.stamp" ] &&
   [ "$(cut -d' ' -f1 "$BUILD/series.stamp")" = "$(series_hash)" ] && ! tree_dirty; then
	inplace=1
	WT=$SRC
	SOBJ=$OBJ
	tip=$(kgit rev-parse HEAD)
	msg "series-check: the tree holds only the queue; checking it in place, in $SOBJ"
	# Whatever happens, leave the tree on its branch.
	restore() { kgit am --abort >/dev/null 2>&1 || true; kgit checkout -q -f "$BRANCH" 2>/dev/null || true; }
	trap restore EXIT
	trap 'restore; trap - EXIT; exit 130' INT TERM
elif [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	kgit worktree prune
	kgit worktree add -q --detach "$WT" "$BASE_TAG"
fi
wgit() { git -C "$WT" -c user.name="$MAINT_NAME" -c user.email="$MAINT_EMAIL" "$@"; }
wgit am --abort >/dev/null 2>&1 || true
wgit checkout -q --detach "$BASE_TAG"
wgit reset -q --hard "$BASE_TAG"

# shellcheck disable=SC2086
wmake() { make -s -C "$WT" O="$SOBJ" $KMAKE_ARGS "$@" >> "$log" 2>&1; }

# The first prefix is configured as the main kernel and built whole (the
# base itself need not be built: it is not the series' to test); options
# the series adds are picked up, with their defaults, by olddefconfig once
# their patch is in.

n=0
fails=0
total=$(series_patches | wc -l)
line() {	# $1: ok or not ok, rest: text
	if [ $tap = 1 ]; then echo "$*"; else msg "series-check: $*"; fi
	echo "$*" >> "$tapfile"
}
printf 'TAP version 13\n1..%d\n' "$total" > "$tapfile"
[ $tap = 1 ] && printf 'TAP version 13\n1..%d\n' "$total"
for p in $(series_patches); do
	n=$((n + 1))
	start=$(date +%s)
	if ! wgit am -q --committer-date-is-author-date "$PATCHES/$p" >> "$log" 2>&1; then
		line "not ok $n $p does not apply"
		wgit am --abort >/dev/null 2>&1 || true
		exit 1
	fi
	build=ok
	# A patch that only touches the selftests, the documentation or MAINTAINERS
	# changes nothing the kernel build reads: the previous prefix's build
	# stands for it.
	if [ $n != 1 ] && [ -z "$(wgit show --name-only --format= HEAD | grep -v -e '^tools/testing/' -e '^Documentation/' -e '^MAINTAINERS$')" ]; then
		build="ok (only tools/testing/, Documentation/, MAINTAINERS)"
	elif [ $n = 1 ]; then
		OBJ=$SOBJ SRC=$WT LENIENT=1 "$TOP/scripts/kernel.sh" >> "$log" 2>&1 ||
			{ build=FAIL; fails=$((fails + 1)); }
	else
		{ wmake olddefconfig && wmake -j"$jobs" bzImage; } || { build=FAIL; fails=$((fails + 1)); }
	fi
	cp=ok
	(cd "$WT" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet \
		--no-summary "$PATCHES/$p") >> "$log" 2>&1 || { cp=FAIL; fails=$((fails + 1)); }
	res=ok
	case $build in ok*) ;; *) res="not ok" ;; esac
	[ $cp = ok ] || res="not ok"
	line "$res $n $p: build $build, checkpatch $cp ($(( $(date +%s) - start ))s)"
done
if [ $inplace = 1 ]; then
	# git am gave the commits make tree made (same dates, same identity):
	# back on the branch, no file changes, and the build is the series'.
	[ "$(kgit rev-parse HEAD)" = "$tip" ] ||
		msg "series-check: warning: the applied series is $(kgit rev-parse --short HEAD), the branch $(kgit rev-parse --short "$tip")"
	kgit checkout -q "$BRANCH"
	trap - EXIT INT TERM
	# The .config grew patch by patch; check, as make kernel would after
	# configuring, that every option the fragments ask for took.
	VERIFY_ONLY=1 "$TOP/scripts/kernel.sh" >> "$log" 2>&1 ||
		{ line "not ok $((n + 1)) the series kernel's config lacks options the fragments ask for (see $log)"; fails=$((fails + 1)); }
fi
[ $fails = 0 ] || die "$fails failures; see $log"
series_hash > "$okfile"
msg "series-check: every prefix builds and every patch is checkpatch --strict clean"
