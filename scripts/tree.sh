#!/bin/sh
# make tree: unpack Debian's linux-source-$BASE into a git repository (base
# commit tagged "base") and apply the queue's series on branch "series" with
# git am.  Incremental: unchanged patches touch nothing; changed patches
# rewrite only the files whose content changes, so kbuild rebuilds only those.
set -eu
. "$(dirname "$0")/common.sh"

STAMP=$BUILD/series.stamp	# "<hash of patches/> <HEAD after apply>"

[ -f "$TARBALL" ] || die "$TARBALL is missing; run: make deps BASE=$BASE"
series_exists

# The version of the source we unpack, and the one the series was tested on.
tarball_id() {
	if [ -f "$BUILD_TOP/debs/$SRCPKG.version" ]; then
		v=$(cat "$BUILD_TOP/debs/$SRCPKG.version")
	else
		v=$(dpkg-query -W -f='${Version}' "$SRCPKG" 2>/dev/null || true)
	fi
	printf '%s %s\n' "${v:-unknown}" "$(stat -c '%s-%Y' "$TARBALL")"
}
tested=$(sed -n 1p "$QUEUE/base-version" 2>/dev/null || echo unknown)

unpack() {
	tmp=$SRC.unpack
	rm -rf "$tmp"
	mkdir -p "$tmp"
	msg "tree: unpacking $TARBALL"
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=1
	(
		cd "$tmp"
		git init -q -b "$BRANCH"
		git add -f -A .
		# Fixed dates and identity: the same tarball gives the same base hash.
		GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
		git -c user.name="$MAINT_NAME" -c user.email="$MAINT_EMAIL" \
			commit -q -m "Debian $SRCPKG $(tarball_id | cut -d' ' -f1)"
		git tag "$BASE_TAG"
	)
	rm -rf "$SRC"
	mv "$tmp" "$SRC"
	tarball_id > "$BUILD/base.id"
	rm -f "$STAMP"
}

mkdir -p "$BUILD"
if [ ! -d "$SRC/.git" ] || ! kgit rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null; then
	unpack
elif [ "$(cat "$BUILD/base.id" 2>/dev/null)" != "$(tarball_id)" ]; then
	msg "tree: $TARBALL changed since the tree was made ($(cut -d' ' -f1 "$BUILD/base.id" 2>/dev/null) -> $(tarball_id | cut -d' ' -f1))"
	if tree_dirty; then
		die "the tree in $SRC holds work that patches/ lacks; run 'make export' (or discard it) before re-unpacking"
	fi
	unpack
fi

installed=$(cut -d' ' -f1 "$BUILD/base.id")
msg "tree: base $SRCPKG $installed ($(make -s -C "$SRC" kernelversion 2>/dev/null))"
if [ "$installed" != "$tested" ]; then
	msg "warning: the series was tested on $SRCPKG $tested, but $installed is installed"
fi

want=$(series_hash)
if [ -f "$STAMP" ] && [ "$(cut -d' ' -f1 "$STAMP")" = "$want" ]; then
	# patches/ has not changed since the tree was made from it (or
	# exported to it): leave the tree, and any work in it, alone.
	if tree_dirty; then
		msg "tree: holds commits or edits that patches/ lacks; build them, and 'make export' when done"
	else
		msg "tree: $(series_patches | wc -l) patches applied, up to date"
	fi
	exit 0
fi
if tree_dirty; then
	die "the tree in $SRC holds commits or edits that patches/ lacks, and patches/ changed too; run 'make export' or 'make export-check' to see them, or reset the tree"
fi

kgit checkout -q "$BRANCH" 2>/dev/null || kgit checkout -q -b "$BRANCH"
old=$(kgit rev-parse HEAD)

# Remember the mtimes of files the series touches now, so that files whose
# content comes back unchanged keep them.
mt=$BUILD/mtimes
kgit diff --name-only "$BASE_TAG" "$old" | while read -r f; do
	[ -e "$SRC/$f" ] && printf '%s %s\n' "$(stat -c '%.9Y' "$SRC/$f")" "$f"
done > "$mt" || true

restore_mtimes() {	# $1: commit the tree was at before
	while read -r t f; do
		if [ -e "$SRC/$f" ] &&
			[ "$(kgit rev-parse -q --verify "$1:$f" 2>/dev/null)" = \
			  "$(kgit rev-parse -q --verify "HEAD:$f" 2>/dev/null)" ]; then
			touch -d "@$t" "$SRC/$f"
		fi
	done < "$mt"
}

kgit reset -q --hard "$BASE_TAG"
n=0
for p in $(series_patches); do
	n=$((n + 1))
	if ! out=$(kgit am -q --committer-date-is-author-date "$PATCHES/$p" 2>&1); then
		msg "error: patch $n, $p, does not apply to $SRCPKG $installed:"
		printf '%s\n' "$out" | sed -n '/^error:/p' >&2
		kgit am --abort >/dev/null 2>&1 || true
		msg "the failing hunk:"
		kgit apply --check -v "$PATCHES/$p" 2>&1 | sed -n '/^error: while searching for:/,/^error: patch failed/p' >&2
		kgit reset -q --hard "$old"
		restore_mtimes "$old"
		msg "the tree is left as it was, at $(kgit log -1 --format='%h %s' "$old")"
		exit 1
	fi
done
restore_mtimes "$old"
printf '%s %s\n' "$want" "$(kgit rev-parse HEAD)" > "$STAMP"
msg "tree: applied $n patches on branch $BRANCH"
