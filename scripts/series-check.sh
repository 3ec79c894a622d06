#!/bin/sh
# make series-check: apply the series with git am, one patch at a time, on
# a clean base in a worktree of its own (build/$BASE/series-check), build
# the kernel after each patch (incrementally, in one build directory,
# build/$BASE/obj-series), and run checkpatch.pl --strict on each patch.  One line
# per patch; fails if any patch does not apply, build, or pass checkpatch.
# The builds use the series' own options (the fragments FRAGS lists, with
# config/series-check.config), not what only the guest suites need: a prefix
# that changes a header or the kernel crate rebuilds much of the kernel,
# and the suites' config (criu's networking, tracing) would make that too
# slow for CI.  The kernel the suites boot is make kernel's.
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

FRAGS="$TOP/config/00-guest.config $TOP/config/10-seccomp.config $TOP/config/20-rust.config
$TOP/config/40-samples.config $TOP/config/series-check.config"
# What a clean run is remembered by: the series, the config and the tools.
series_exists
# shellcheck disable=SC2086
key="$(series_hash) $( { cat $FRAGS; echo "$KMAKE_ARGS"; /usr/bin/rustc --version; "$CLANG" --version | head -n 1; } | sha256sum | cut -c1-16)"
if [ "$(cat "$okfile" 2>/dev/null)" = "$key" ] && [ -f "$tapfile" ]; then
	msg "series-check: the series passed unchanged before; its result:"
	if [ $tap = 1 ]; then cat "$tapfile"; else grep '^ok' "$tapfile" >&2; fi
	exit 0
fi
rm -f "$okfile"
: > "$log"

if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	kgit worktree prune
	kgit worktree add -q --detach "$WT" "$BASE_TAG"
fi
wgit() { git -C "$WT" -c user.name="$MAINT_NAME" -c user.email="$MAINT_EMAIL" "$@"; }
wgit am --abort >/dev/null 2>&1 || true
wgit checkout -q --detach "$BASE_TAG"
wgit reset -q --hard "$BASE_TAG"

# shellcheck disable=SC2086
wmake() { make -s -C "$WT" O="$SOBJ" $KMAKE_ARGS "$@" >> "$log" 2>&1; }

# The first prefix is configured with those and built whole (the
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
		OBJ=$SOBJ SRC=$WT LENIENT=1 FRAGMENTS="$FRAGS" "$TOP/scripts/kernel.sh" >> "$log" 2>&1 ||
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
[ $fails = 0 ] || die "$fails failures; see $log"
printf '%s\n' "$key" > "$okfile"
msg "series-check: every prefix builds and every patch is checkpatch --strict clean"
