#!/bin/sh
# make export: write the tree's branch (base..series) back to patches/ as
# git format-patch files plus the quilt series file.  The output is stable:
# zero commit hashes in the From line, no version footer, dates from the
# commits, and files whose bytes do not change are not rewritten.
# make export-check (--check): fail when the tree holds commits or edits
# that patches/ lacks.
set -eu
. "$(dirname "$0")/common.sh"

check=0
[ "${1:-}" = --check ] && check=1
[ -d "$SRC/.git" ] || { [ $check = 1 ] && exit 0; die "no kernel tree in $SRC; run: make tree"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The cover letter comes from cover-letter.txt (its first paragraph is the
# subject); git adds the shortlog and the diffstat.  It carries the date of
# the series' last commit, so an unchanged series gives the same bytes.
cover=--no-cover-letter
if [ -f "$QUEUE/cover-letter.txt" ] && [ -n "$(kgit rev-list "$BASE_TAG..$BRANCH")" ]; then
	kgit config branch."$BRANCH".description "$(cat "$QUEUE/cover-letter.txt")"
	cover="--cover-letter --cover-from-description=subject"
fi
# shellcheck disable=SC2086
kgit format-patch -q --zero-commit --no-signature $cover \
	--output-directory "$tmp" "$BASE_TAG..$BRANCH" >/dev/null
if [ -f "$tmp/0000-cover-letter.patch" ]; then
	date=$(kgit log -1 --format=%aD "$BRANCH")
	sed -i "s/^Date: .*/Date: $date/" "$tmp/0000-cover-letter.patch"
fi
(cd "$tmp" && ls -1 -- *.patch 2>/dev/null | grep -v '^0000-cover-letter.patch$' || true) > "$tmp/series"

if [ $check = 1 ]; then
	bad=0
	edits=$(tree_edits)
	if [ -n "$edits" ]; then
		msg "export-check: uncommitted edits in $SRC:"
		printf '%s\n' "$edits" | head -20 >&2
		bad=1
	fi
	if [ "$(kgit rev-parse --abbrev-ref HEAD)" != "$BRANCH" ]; then
		msg "export-check: $SRC is not on branch $BRANCH"
		bad=1
	fi
	if ! cmp -s "$tmp/series" "$PATCHES/series"; then
		msg "export-check: patches/series differs from the tree's branch:"
		diff "$PATCHES/series" "$tmp/series" >&2 || true
		bad=1
	fi
	for p in $(cat "$tmp/series") $(cd "$tmp" && ls 0000-cover-letter.patch 2>/dev/null); do
		if ! cmp -s "$tmp/$p" "$PATCHES/$p"; then
			msg "export-check: $p differs from the tree's commit; run: make export"
			bad=1
		fi
	done
	exit $bad
fi

n=0
for p in $(cat "$tmp/series"); do
	n=$((n + 1))
	cmp -s "$tmp/$p" "$PATCHES/$p" || cp "$tmp/$p" "$PATCHES/$p"
done
if [ -f "$tmp/0000-cover-letter.patch" ]; then
	cmp -s "$tmp/0000-cover-letter.patch" "$PATCHES/0000-cover-letter.patch" ||
		cp "$tmp/0000-cover-letter.patch" "$PATCHES/0000-cover-letter.patch"
else
	rm -f "$PATCHES/0000-cover-letter.patch"
fi
# Patches no longer in the branch go.
for p in "$PATCHES"/[0-9]*.patch; do
	[ -e "$p" ] || continue
	b=$(basename "$p")
	case $b in 0000-cover-letter.patch) continue ;; esac
	grep -qx -- "$b" "$tmp/series" || rm -f "$p"
done
cmp -s "$tmp/series" "$PATCHES/series" || cp "$tmp/series" "$PATCHES/series"

# The tree and patches/ now agree: make tree has nothing to do.
printf '%s %s\n' "$(series_hash)" "$(kgit rev-parse HEAD)" > "$BUILD/series.stamp"
msg "export: $n patches in $PATCHES"
