#!/bin/sh
# The base kernel, without the series, for the oracle and make bench: the
# base tag of the $BASE tree checked out in a worktree of its own
# (build/$BASE/base/linux), configured like the series kernel (the options
# the series adds are simply absent) and built into build/$BASE/base/obj,
# beside it.
# Incremental: only a changed config or tree rebuilds.
# Usage: base-kernel.sh [--worktree-only]
set -eu
. "$(dirname "$0")/common.sh"

[ -d "$SRC/.git" ] || die "no kernel tree in $SRC; run: make tree"
WT=$BUILD/base/linux
# The layout before the tree moved into base/linux: a worktree at base/.
if [ -f "$BUILD/base/.git" ]; then
	kgit worktree remove --force "$BUILD/base" || rm -rf "$BUILD/base"
	kgit worktree prune
	rm -rf "$BUILD/obj-base"
fi
if [ ! -d "$WT/.git" ] && [ ! -f "$WT/.git" ]; then
	kgit worktree prune
	kgit worktree add -q --detach "$WT" "$BASE_TAG"
fi
[ "$(git -C "$WT" rev-parse HEAD)" = "$(kgit rev-parse "$BASE_TAG^{commit}")" ] ||
	git -C "$WT" checkout -q --detach "$BASE_TAG"
# --worktree-only: the tree, for a build of another config (matrix.sh).
[ "${1:-}" = --worktree-only ] && exit 0
OBJ=$BUILD/base/obj SRC=$WT LENIENT=1 "$TOP/scripts/kernel.sh"
