#!/bin/sh
# make series-check: apply the series with git am, one patch at a time, on
# a clean base in a worktree of its own (build/$BASE/series-check/linux),
# build the kernel after each patch (incrementally, in one build directory,
# build/$BASE/series-check/obj), and run checkpatch.pl --strict on each patch.  One line
# per patch; fails if any patch does not apply, build, or pass checkpatch.
# The base is built first (or stood for by a first patch that changes no
# C, see below), and the last line is the S8 gate: the syscall entry path
# of the last prefix against the base's (scripts/s8.py).
# The builds use the series' own options (the fragments FRAGS lists, with
# config/series-check.config), not what only the guest suites need: a prefix
# that changes a header or the kernel crate rebuilds much of the kernel,
# and the suites' config (criu's networking, tracing) would make that too
# slow for CI.  The kernel the suites boot is make kernel's.
# checkpatch runs first, on every patch, before any build; --no-checkpatch
# leaves it out (make check-one runs it in lint then).
# With --tap the lines are TAP.  A series that passed before, unchanged,
# is not checked again: its saved result is given.  A prefix whose tree
# built before with the same config and tools is not built again
# (build/$BASE/series-check.built lists them), so a change to a late
# patch rebuilds from there on only.
set -eu
. "$(dirname "$0")/common.sh"

[ -d "$SRC/.git" ] || die "no kernel tree in $SRC; run: make tree"
# The worktree and its build directory, side by side.
WT=$BUILD/series-check/linux
SOBJ=$BUILD/series-check/obj
log=$BUILD/series-check.log
okfile=$BUILD/series-check.ok	# "<series hash>" of the last clean run
builtfile=$BUILD/series-check.built	# "<tree hash> <config key>" of each prefix that built
tapfile=$BUILD/series-check.tap
tap=0 cp=1
for arg in "$@"; do
	case $arg in
	--tap) tap=1 ;;
	--no-checkpatch) cp=0 ;;
	*) die "series-check: unknown option $arg (--tap, --no-checkpatch)" ;;
	esac
done

FRAGS="$TOP/config/00-guest.config $TOP/config/10-seccomp.config $TOP/config/20-rust.config
$TOP/config/40-samples.config $TOP/config/series-check.config"
# What a clean run is remembered by: the series, the config (its option
# lines, not its comments) and the tools.
series_exists
# shellcheck disable=SC2086
cfgkey=$( { grep -hE '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set$)' $FRAGS; echo "$KMAKE_ARGS"; /usr/bin/rustc --version; "$CLANG" --version | head -n 1; } | sha256sum | cut -c1-16)
# A clean run is replayed only by the same checker: this script and the
# S8 gate's are part of the key.
checker=$(cat "$0" "$TOP/scripts/s8.py" "$TOP/scripts/kernel.sh" | sha256sum | cut -c1-16)
key="$(series_hash) $cfgkey checkpatch=$cp checker=$checker"
if [ "$(cat "$okfile" 2>/dev/null)" = "$key" ] && [ -f "$tapfile" ]; then
	msg "series-check: the series passed unchanged before; its result:"
	if [ $tap = 1 ]; then cat "$tapfile"; else grep '^ok' "$tapfile" >&2; fi
	exit 0
fi
rm -f "$okfile"
: > "$log"

# The layout before: the worktree at series-check/, beside obj-series/.
if [ -f "$BUILD/series-check/.git" ]; then
	kgit worktree remove --force "$BUILD/series-check" || rm -rf "$BUILD/series-check"
	rm -rf "$BUILD/obj-series"
fi
if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	kgit worktree prune
	kgit worktree add -q --detach "$WT" "$BASE_TAG"
fi
wgit() { git -C "$WT" -c user.name="$MAINT_NAME" -c user.email="$MAINT_EMAIL" "$@"; }
wgit am --abort >/dev/null 2>&1 || true
# The mtimes of the files the series touched at the end of the last run,
# when the build directory was last built: until the first build of this
# run, a file whose content is back as it was gets its old mtime again,
# so that kbuild does not rebuild it (after a build they are left alone:
# that build is newer than they are).
old=$(wgit rev-parse HEAD)
mt=$(mktemp)
wgit diff --name-only "$BASE_TAG" "$old" | while read -r f; do
	[ -e "$WT/$f" ] && printf '%s %s\n' "$(stat -c '%.9Y' "$WT/$f")" "$f"
done > "$mt" || true
restore_mtimes() {
	while read -r t f; do
		if [ -e "$WT/$f" ] &&
			[ "$(wgit rev-parse -q --verify "$old:$f" 2>/dev/null)" = \
			  "$(wgit rev-parse -q --verify "HEAD:$f" 2>/dev/null)" ]; then
			touch -d "@$t" "$WT/$f"
		fi
	done < "$mt"
}
wgit checkout -q --detach "$BASE_TAG"
wgit reset -q --hard "$BASE_TAG"

# Every build goes through kernel.sh, which configures with those
# fragments when they, or the tree's Kconfig files, changed since the last
# configuration: an option the series adds takes the fragments' value
# once its patch is in.

n=0
fails=0
configured=0
total=$(series_patches | wc -l)
line() {	# $1: ok or not ok, rest: text
	if [ $tap = 1 ]; then echo "$*"; else msg "series-check: $*"; fi
	echo "$*" >> "$tapfile"
}
# One line per patch, and the S8 gate after them.
printf 'TAP version 13\n1..%d\n' $((total + 1)) > "$tapfile"
[ $tap = 1 ] && printf 'TAP version 13\n1..%d\n' $((total + 1))
# checkpatch first: it needs no build, so a style error shows at once.
cpdir=$(mktemp -d)
trap 'rm -rf "$cpdir" "$mt"' EXIT
for p in $(series_patches); do
	if [ $cp = 0 ]; then
		echo "not run (lint runs it)" > "$cpdir/$p"
	elif (cd "$SRC" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --quiet \
		--no-summary "$PATCHES/$p") >> "$log" 2>&1; then
		echo ok > "$cpdir/$p"
	else
		echo FAIL > "$cpdir/$p"
		fails=$((fails + 1))
	fi
done
# The base itself is built first (once per config and tools), in the
# same build directory, so that the first prefix builds on it
# incrementally: the S8 gate after the last prefix compares the syscall
# entry path of the two (scripts/s8.py), at the cost of one incremental
# build.
# The base's vmlinux is kept (per config and tools), so that the gate
# reads both with the s8.py of this run.
# When the first patch changes nothing but rust/ (both queues' bindgen
# fix), the C of the first prefix is the base's, the functions S8 reads
# included: the first prefix's vmlinux stands for the base's, and the base
# is not built at all (a whole build less, on CI's clock).
basevm=$BUILD/series-check/base-vmlinux.$cfgkey
s8base=$BUILD/series-check/s8-base
s8series=$BUILD/series-check/s8-series
objdump=llvm-objdump$LLVM_SUFFIX
rm -f "$BUILD"/series-check/s8-base.*	# the summaries an older version kept
first=$(series_patches | head -n 1)
base_is_first=0
if [ -n "$first" ]; then
	# Both sides of every file the patch touches (a rename has two).
	touched=$(sed -n -e 's|^--- a/||p' -e 's|^+++ b/||p' "$PATCHES/$first" | sort -u)
	# Not C, even under rust/ (rust/helpers/*.c is kernel C).
	if [ -n "$touched" ] && ! printf '%s\n' "$touched" | grep -qv '^rust/' &&
	   ! printf '%s\n' "$touched" | grep -q '\.[ch]$'; then
		base_is_first=1
	fi
fi
if [ ! -s "$basevm" ] && [ $base_is_first = 0 ]; then
	start=$(date +%s)
	configured=1
	if OBJ=$SOBJ SRC=$WT LENIENT=1 FRAGMENTS="$FRAGS" "$TOP/scripts/kernel.sh" >> "$log" 2>&1; then
		rm -f "$BUILD"/series-check/base-vmlinux.*
		cp "$SOBJ/vmlinux" "$basevm"
		msg "series-check: the base built ($(( $(date +%s) - start ))s)"
	else
		msg "series-check: the base did not build; see $log"
	fi
fi
rm -f "$s8base"
for p in $(series_patches); do
	n=$((n + 1))
	start=$(date +%s)
	if ! wgit am -q --committer-date-is-author-date "$PATCHES/$p" >> "$log" 2>&1; then
		line "not ok $n $p does not apply"
		wgit am --abort >/dev/null 2>&1 || true
		exit 1
	fi
	[ $configured = 0 ] && restore_mtimes
	build=ok
	built="$(wgit rev-parse 'HEAD^{tree}') $cfgkey"
	need_base=0
	[ $n = 1 ] && [ $base_is_first = 1 ] && [ ! -s "$basevm" ] && need_base=1
	if [ $need_base = 0 ] && grep -qxF "$built" "$builtfile" 2>/dev/null; then
		build="ok (this tree built before)"
	# A patch that only touches the selftests, the documentation or MAINTAINERS
	# changes nothing the kernel build reads: the previous prefix's build
	# stands for it.
	elif [ $n != 1 ] && [ -z "$(wgit show --name-only --format= HEAD | grep -v -e '^tools/testing/' -e '^Documentation/' -e '^MAINTAINERS$')" ]; then
		build="ok (only tools/testing/, Documentation/, MAINTAINERS)"
	else
		# Configure when the config is not this one already (the
		# fragments, or a Kconfig file a patch changed: an option the
		# fragments ask for that this prefix adds, such as
		# SECCOMP_SUSPEND_SCOPED, takes the fragments' value, where
		# olddefconfig alone would give it its default), then build,
		# whole or incrementally.
		configured=1
		OBJ=$SOBJ SRC=$WT LENIENT=1 FRAGMENTS="$FRAGS" "$TOP/scripts/kernel.sh" >> "$log" 2>&1 ||
			{ build=FAIL; fails=$((fails + 1)); }
	fi
	[ "$build" = ok ] && echo "$built" >> "$builtfile"
	# The first prefix, built now, stands for the base (see above).
	if [ $need_base = 1 ] && [ "$build" = ok ]; then
		rm -f "$BUILD"/series-check/base-vmlinux.*
		cp "$SOBJ/vmlinux" "$basevm"
		msg "series-check: the first prefix changes only rust/: its vmlinux stands for the base's"
	fi
	pc=$(cat "$cpdir/$p")
	res=ok
	case $build in ok*) ;; *) res="not ok" ;; esac
	[ "$pc" = FAIL ] && res="not ok"
	line "$res $n $p: build $build, checkpatch $pc ($(( $(date +%s) - start ))s)"
done
# S8: the last prefix, built (a make that finds it up to date takes
# seconds), against the base.
[ -s "$basevm" ] && python3 "$TOP/scripts/s8.py" summary "$objdump" "$basevm" > "$s8base.tmp" &&
	mv "$s8base.tmp" "$s8base"
n=$((n + 1))
start=$(date +%s)
s8="S8: the syscall entry path of a task that is not suspended, the series against the base"
# Configured as a prefix's build is (every prefix may have been cached).
s8build() {
	configured=1
	OBJ=$SOBJ SRC=$WT LENIENT=1 FRAGMENTS="$FRAGS" "$TOP/scripts/kernel.sh" >> "$log" 2>&1
}
if [ ! -s "$s8base" ]; then
	if [ $base_is_first = 1 ]; then
		line "not ok $n $s8: the first prefix, which stands for the base, did not build"
	else
		line "not ok $n $s8: the base did not build"
	fi
	fails=$((fails + 1))
elif [ $fails != 0 ]; then
	line "not ok $n $s8: not run, the series has failures above"
elif ! s8build ||
     ! python3 "$TOP/scripts/s8.py" summary "$objdump" "$SOBJ/vmlinux" > "$s8series"; then
	line "not ok $n $s8: the series did not build"
	fails=$((fails + 1))
elif found=$(python3 "$TOP/scripts/s8.py" compare "$s8base" "$s8series"); then
	line "ok $n $s8: $found ($(( $(date +%s) - start ))s)"
else
	line "not ok $n $s8: $found"
	fails=$((fails + 1))
fi
[ $fails = 0 ] || die "$fails failures; see $log"
printf '%s\n' "$key" > "$okfile"
msg "series-check: every prefix builds and every patch is checkpatch --strict clean"
