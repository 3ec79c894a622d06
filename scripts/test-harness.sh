#!/bin/sh
# Tests of the harness itself, as KTAP: the patch queue (tree, export,
# export-check, quilt) on a small stand-in tarball, and the TAP/KTAP reader.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# A stand-in for the Debian tarball of the base: a top folder with a few
# files, named like the real one's.
BASE=${BASE:-7.2}
SRCPKG=linux-source-$BASE
S0=$W/src/$SRCPKG
mkdir -p "$S0/kernel" "$S0/include"
printf 'int a;\nint b;\nint c;\nint d;\nint e;\n' > "$S0/kernel/one.c"
printf 'int x;\nint y;\nint z;\n' > "$S0/kernel/two.c"
printf '#define Q 1\n' > "$S0/include/q.h"
printf '*.o\n' > "$S0/.gitignore"
printf 'shipped\n' > "$S0/kernel/shipped.o"
tar -cJf "$W/linux.tar.xz" -C "$W/src" "$SRCPKG"

# A queue of its own (base-version, cover letter, patches/) in $TOP; the
# stand-in's version, as make deps records a fetched source's, is the one
# the queue was tested on.
export BASE TARBALL="$W/linux.tar.xz" BUILD="$W/build" SRC="$W/build/linux" \
	TOP="$W/top" QUEUE="$W/top" BUILD_TOP="$W/build-top" PATCHES="$W/p1"
mkdir -p "$TOP" "$PATCHES" "$BUILD_TOP/debs"
echo test > "$QUEUE/base-version"
echo test > "$BUILD_TOP/debs/$SRCPKG.version"
printf 'test: a stand-in series\n\nIts cover letter.\n' > "$QUEUE/cover-letter.txt"
: > "$PATCHES/series"
gitc() { git -C "$SRC" -c user.name=T -c user.email=t@example.org "$@"; }
export GIT_AUTHOR_DATE='2026-01-02T03:04:05Z' GIT_COMMITTER_DATE='2026-01-02T03:04:05Z'

n=0
fails=0
t() {	# $1: name; rest: command that must succeed
	name=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "    ok $n $name"
	else
		printf '%s\n' "$out" | sed 's/^/    # /'
		echo "    not ok $n $name"
		fails=$((fails + 1))
	fi
}
q() { "$@" >/dev/null 2>&1; }

setup_series() {
	q "$HERE/tree.sh" || return 1
	sed -i 's/int b;/int b = 2;/' "$SRC/kernel/one.c"
	gitc commit -q -am 'one: initialise b' -m 'Because.' || return 1
	sed -i 's/int y;/int y = 3;/' "$SRC/kernel/two.c"
	printf '#define R 2\n' > "$SRC/include/r.h"
	gitc add include/r.h
	gitc commit -q -am 'two: initialise y, add r.h' -m 'Also because.' || return 1
	q "$HERE/export.sh"
}

roundtrip() {
	[ "$(wc -l < "$PATCHES/series")" = 2 ] || { echo "series: $(cat "$PATCHES/series")"; return 1; }
	grep -q "^Subject: \[PATCH 0/2\] test: a stand-in series$" "$PATCHES/0000-cover-letter.patch" || return 1
	cp -a "$PATCHES" "$W/p1.first"
	rm -rf "$BUILD"
	q "$HERE/tree.sh" || { "$HERE/tree.sh"; return 1; }
	q "$HERE/export.sh" || return 1
	diff -r "$W/p1.first" "$PATCHES"
}

base_has_ignored_files() {
	gitc cat-file -e base:kernel/shipped.o
}

export_stable() {
	before=$(ls -l --time-style=+%s.%N "$PATCHES")
	q "$HERE/export.sh" || return 1
	[ "$before" = "$(ls -l --time-style=+%s.%N "$PATCHES")" ] &&
	! grep -l -e '^From [0-9a-f]*[1-9a-f]' -e '^-- $' "$PATCHES"/*.patch
}

export_check() {
	q "$HERE/export.sh" --check || { echo "clean tree flagged"; return 1; }
	echo 'int w;' >> "$SRC/kernel/two.c"
	q "$HERE/export.sh" --check && { echo "edit not flagged"; return 1; }
	gitc commit -q -am 'two: add w' || return 1
	q "$HERE/export.sh" --check && { echo "commit not flagged"; return 1; }
	gitc reset -q --hard HEAD~1
	q "$HERE/export.sh" --check
}

quilt_applies() {
	mkdir -p "$W/q" && tar -xJf "$TARBALL" -C "$W/q" --strip-components=1 &&
	(cd "$W/q" && QUILT_PATCHES="$PATCHES" quilt push -a -q >/dev/null) &&
	diff -r -x .git -x .pc "$W/q" "$SRC"
}

incremental() {
	one=$(stat -c %.9Y "$SRC/kernel/one.c")
	two=$(stat -c %.9Y "$SRC/kernel/two.c")
	sleep 1
	# A second version of the series where only patch 2 differs.
	mkdir -p "$W/p2"
	sed -i 's/int y = 3;/int y = 4;/' "$SRC/kernel/two.c"
	gitc commit -q -a --amend --no-edit || return 1
	PATCHES="$W/p2" q "$HERE/export.sh" || return 1
	cmp -s "$W/p1/0001-one-initialise-b.patch" "$W/p2/0001-one-initialise-b.patch" || return 1
	# Back to p1 by make tree: one.c must keep its mtime, two.c changes.
	q "$HERE/tree.sh" || { "$HERE/tree.sh"; return 1; }
	grep -q 'int y = 3;' "$SRC/kernel/two.c" || { echo "two.c not back to p1"; return 1; }
	[ "$(stat -c %.9Y "$SRC/kernel/one.c")" = "$one" ] || { echo "one.c was touched"; return 1; }
	[ "$(stat -c %.9Y "$SRC/kernel/two.c")" != "$two" ] || { echo "two.c not rewritten"; return 1; }
	# Nothing changed: nothing touched.
	two=$(stat -c %.9Y "$SRC/kernel/two.c")
	"$HERE/tree.sh" 2>&1 | grep -q 'up to date' &&
	[ "$(stat -c %.9Y "$SRC/kernel/two.c")" = "$two" ]
}

bad_patch() {
	cp -a "$PATCHES" "$W/bad"
	sed -i 's/^ int x;$/ int X;/' "$W/bad/0002-two-initialise-y-add-r.h.patch"
	head=$(gitc rev-parse HEAD)
	if out=$(PATCHES="$W/bad" "$HERE/tree.sh" 2>&1); then
		echo "a bad patch applied"; return 1
	fi
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q 'patch 2, 0002-two-initialise-y-add-r.h.patch, does not apply' &&
	printf '%s\n' "$out" | grep -q 'patch failed: kernel/two.c:1' &&
	printf '%s\n' "$out" | grep -q '^int X;' &&
	[ "$(gitc rev-parse HEAD)" = "$head" ] && [ -z "$(gitc status --porcelain)" ]
}

dirty_protected() {
	echo 'int v;' >> "$SRC/kernel/one.c"
	if PATCHES="$W/p2" q "$HERE/tree.sh"; then
		echo "tree.sh overwrote an uncommitted edit"; return 1
	fi
	grep -q 'int v;' "$SRC/kernel/one.c" || return 1
	# With patches/ unchanged, the work in the tree is built as it is.
	q "$HERE/tree.sh" || { echo "tree.sh refused a tree with work in it"; return 1; }
	grep -q 'int v;' "$SRC/kernel/one.c" && gitc checkout -q kernel/one.c
}

missing_patch_stops() {
	cp -a "$PATCHES" "$W/missing"
	rm "$W/missing/0002-two-initialise-y-add-r.h.patch"
	head=$(gitc rev-parse HEAD)
	if out=$(PATCHES="$W/missing" "$HERE/tree.sh" 2>&1); then
		echo "tree.sh went on with a patch missing"; return 1
	fi
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -q 'lists 0002-two-initialise-y-add-r.h.patch, which does not exist' &&
	[ "$(gitc rev-parse HEAD)" = "$head" ]
}

checkpatch_cache_not_work() {
	# checkpatch --strict leaves a CamelCase cache; it is not work to export.
	touch "$SRC/.checkpatch-camelcase.git.0123abcd"
	q "$HERE/export.sh" --check || { echo "the CamelCase cache counted as work"; return 1; }
	rm "$SRC/.checkpatch-camelcase.git.0123abcd"
	touch "$SRC/kernel/new.c"
	if q "$HERE/export.sh" --check; then echo "an untracked file did not count"; return 1; fi
	rm "$SRC/kernel/new.c"
}

# The config matrix's loop (scripts/matrix.sh) with entries that build
# nothing: the SKIP of an entry another base has, a derived entry whose
# kernel is missing, an unknown level.
mx() { TOP=$REPO BASE=7.2 BUILD="$W/mx" RESULTS="$W/mx-res" OBJ="$W/mx/none" "$HERE/matrix.sh" "$@"; }
matrix_skips() {
	mx all debian-amd64 arm64 || return 1
	cat "$W/mx-res/host/matrix.tap"
	[ "$(grep -c '^ok [12] .* # SKIP ' "$W/mx-res/host/matrix.tap")" = 2 ] &&
	grep -q '^1\.\.2$' "$W/mx-res/host/matrix.tap" &&
	grep -q "^ok 1 debian-amd64 ([0-9]*s): Debian's amd64 config (linux-config-6.12), olddefconfig, gcc: .* # SKIP Debian's config is linux-config-6.12's" "$W/mx-res/host/matrix.tap"
}
matrix_missing_kernel_fails() {
	if mx cheap rust-schedstats-n; then echo "an entry without its kernel passed"; return 1; fi
	cat "$W/mx-res/host/matrix.tap"
	grep -q '^not ok 1 rust-schedstats-n ([0-9]*s): RUST=y, SCHEDSTATS=n: .*: exit status 1$' "$W/mx-res/host/matrix.tap" &&
	grep -q "^# error: no kernel in $W/mx/none: make kernel" "$W/mx-res/host/matrix.tap"
}
matrix_bad_level() {
	if mx some; then echo "an unknown level ran"; return 1; fi
}

echo "KTAP version 1"
echo "1..3"
echo "    KTAP version 1"
echo "    # Subtest: patch_queue"
echo "    1..11"
t setup_series setup_series
t roundtrip_byte_identical roundtrip
t base_keeps_ignored_files base_has_ignored_files
t export_stable export_stable
t export_check_detects_work export_check
t quilt_applies_series quilt_applies
t incremental_touches_only_changes incremental
t bad_patch_named_tree_kept bad_patch
t dirty_tree_kept dirty_protected
t missing_patch_stops_tree missing_patch_stops
t checkpatch_cache_is_not_work checkpatch_cache_not_work
if [ $fails = 0 ]; then echo "ok 1 patch_queue"; else echo "not ok 1 patch_queue"; fi

echo "    # Subtest: tap_reader"
pyrc=0
python3 "$REPO/tests/test_tap.py" > "$W/py.out" 2>&1 || pyrc=$?
sed 's/^/    /' "$W/py.out"
if [ $pyrc = 0 ]; then echo "ok 2 tap_reader"; else echo "not ok 2 tap_reader"; fi

echo "    # Subtest: config_matrix"
echo "    1..3"
qfails=$fails n=0
t matrix_skip_lines matrix_skips
t matrix_missing_kernel_fails matrix_missing_kernel_fails
t matrix_bad_level matrix_bad_level
if [ $fails = "$qfails" ]; then echo "ok 3 config_matrix"; else echo "not ok 3 config_matrix"; fi
[ $fails = 0 ] && [ $pyrc = 0 ]
