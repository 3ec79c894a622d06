#!/bin/sh
# make lint: checkpatch.pl --strict on every patch of the series, the
# kernel's rustfmtcheck, and the Rust build through clippy with warnings as
# errors (see KMAKE_ARGS).  With --tap, report as TAP on stdout.
# --checkpatch: the checkpatch part alone (it needs no build, so make
# check runs it before the first kernel build); --build: the rest.
# --rust: rustfmtcheck and rustdoc alone, in a tree already built (make
# check runs them in series-check's build of the other base's last
# prefix, given as SRC and OBJ: its builds ran clippy already).
set -u
. "$(dirname "$0")/common.sh"

tap=0 cp=1 build=1 rust=0
for arg in "$@"; do
	case $arg in
	--tap) tap=1 ;;
	--checkpatch) build=0 ;;
	--build) cp=0 ;;
	--rust) cp=0 rust=1 ;;
	*) die "lint: unknown option $arg (--tap, --checkpatch, --build, --rust)" ;;
	esac
done
# A worktree's .git is a file.
[ -e "$SRC/.git" ] || die "no kernel tree in $SRC; run: make tree"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

n=0
fails=0
count=0
[ $cp = 1 ] && count=$(($(series_patches | wc -l) + 1))
[ $build = 1 ] && count=$((count + 4 - 2 * rust))
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
# Rust reads a task's state only through C helpers with C's own marked
# reads: no Rust line the series adds reads a field of a C struct itself
# (a volatile read is no atomic one, and bindgen's layout can be wrong).
if [ $cp = 1 ]; then
	for p in $(series_patches); do
		awk -v p="$p" '/^\+\+\+ b\// { rs = /\.rs$/ }
			rs && /^\+/ && /read_volatile|offset_of!|addr_of!\(\(\*/ { print p ": " $0 }' \
			"$PATCHES/$p"
	done > "$log"
	[ ! -s "$log" ]
	result $? "no Rust line of the series reads a C struct field itself"
fi

[ $build = 1 ] || { [ $fails = 0 ]; exit; }

# shellcheck disable=SC2086
make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS rustfmtcheck > "$log" 2>&1
result $? "rustfmtcheck"

# The kernel build compiles all Rust through clippy with -Dwarnings.
if [ $rust = 0 ]; then
	# shellcheck disable=SC2086
	make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS -j"$(nproc)" vmlinux > "$log" 2>&1
	result $? "clippy and rustc warnings (CLIPPY=1 KRUSTFLAGS=-Dwarnings build)"
fi

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
[ $rust = 0 ] || { [ $fails = 0 ]; exit; }

# The documentation the series changes, built with Debian's Sphinx
# (make SPHINXDIRS=... htmldocs, into its own directory): no warning may
# name a file the series touches.  Other files' warnings are the base's.
docs=$(kgit diff --name-only "$BASE_TAG" HEAD -- Documentation | grep '\.rst$' || true)
if [ -z "$docs" ]; then
	echo "the series changes no .rst file" > "$log"
	rc=0
else
	dirs=$(printf '%s\n' "$docs" | cut -d/ -f2 | sort -u | tr '\n' ' ' | sed 's/ $//')
	# Debian's python3 has Sphinx (python3-sphinx), not a pyenv one first in PATH.
	# Some docs builds write into the source tree even with O= (6.12's
	# netlink specs): what they add there is removed again, so that the
	# tree holds only the queue's work.
	before=$(tree_edits)
	PATH=/usr/bin:$PATH make -s -C "$SRC" O="$BUILD/docs" SPHINXDIRS="$dirs" htmldocs > "$log" 2>&1
	rc=$?
	tree_edits | while read -r st path; do
		printf '%s\n' "$before" | grep -qxF "$st $path" || rm -rf "${SRC:?}/$path"
	done
	for f in $docs; do
		grep -F "$f" "$log" | grep -qi 'warning\|error' && rc=1
	done
	[ $rc = 0 ] || grep -i 'warning\|error' "$log" | grep -F "$(printf '%s\n' $docs)" > "$log.ours"
	[ -s "$log.ours" ] && mv "$log.ours" "$log"
	rm -f "$log.ours"
fi
result $rc "htmldocs (SPHINXDIRS: ${dirs:-none}) without a warning in the series' documentation"

[ $fails = 0 ]
