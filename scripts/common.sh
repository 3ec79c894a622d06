# Shared settings for the harness scripts; sourced, not run.
# shellcheck shell=sh

msg() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}

# The base the series is applied to, and so which queue is built:
#   7.2   the upstream-facing queue, on Debian's linux-source-7.2
#   6.12  the LTS backport, on Debian's linux-source-6.12
# Each base has its own queue (queues/<name>/: base-version, cover letter,
# patches/), build directory (build/<base>/) and results (results/<base>/).
BASE=${BASE:-7.2}
case $BASE in
7.2) QUEUE_NAME=upstream-7.2 ;;
6.12) QUEUE_NAME=lts-6.12 ;;
*) die "BASE=$BASE: the bases are 7.2 (the upstream queue, the default) and 6.12 (the LTS queue)" ;;
esac
QUEUE=${QUEUE:-$TOP/queues/$QUEUE_NAME}
BUILD_TOP=${BUILD_TOP:-$TOP/build}
BUILD=${BUILD:-$BUILD_TOP/$BASE}
SRC=${SRC:-$BUILD/linux}
OBJ=${OBJ:-$BUILD/obj}
RESULTS=${RESULTS:-$TOP/results/$BASE}
PATCHES=${PATCHES:-$QUEUE/patches}
BRANCH=series
BASE_TAG=base

# The Debian package holding the base's source, and where the tarball is.
# 6.12 comes from bookworm-security, installed with apt-get; 7.2 is not in
# Debian 12, so make deps fetches the pinned version (base-version) from
# trixie-backports with apt-get download and unpacks it into build/.
SRCPKG=linux-source-$BASE
case $BASE in
6.12) TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz} ;;
*) TARBALL=${TARBALL:-$BUILD_TOP/debs/$SRCPKG/usr/src/$SRCPKG.tar.xz} ;;
esac

# The identity the series is authored and committed as.
MAINT_NAME='Seccomp Suspend Maintainers'
MAINT_EMAIL='seccomp-suspend@example.org'

# Kernel make arguments: the LLVM toolchain and Debian's Rust (rustc-web
# ships rust-src, which the kernel needs; rustup's toolchain here has none),
# so every Rust tool is named by its full path.  Rust always compiles
# through clippy-driver (the same code as rustc, plus the lints) with
# warnings as errors: a Rust warning or clippy lint fails the build.
# 6.12 builds with Debian 12's default LLVM (14); 7.2 needs LLVM 17 or
# later, so it uses Debian 12's LLVM 19, and bindgen loads libclang 19.
BINDGEN=${BINDGEN:-${CARGO_HOME:-$HOME/.cargo}/bin/bindgen}
case $BASE in
6.12) LLVM_SUFFIX= ; KLLVM=1 ;;
*) LLVM_SUFFIX=-19 ; KLLVM=-19 ;;
esac
CLANG=clang$LLVM_SUFFIX
# Exported for 6.12 too: with libclang 19 installed, bindgen (clang-sys)
# would otherwise load the newest libclang, not clang 14's.
LIBCLANG_PATH=$(llvm-config$LLVM_SUFFIX --libdir 2>/dev/null || echo /usr/lib/llvm-19/lib)
export LIBCLANG_PATH
KMAKE_ARGS="ARCH=x86_64 LLVM=$KLLVM RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
RUSTFMT=/usr/bin/rustfmt CLIPPY_DRIVER=/usr/bin/clippy-driver BINDGEN=$BINDGEN \
CLIPPY=1 KRUSTFLAGS=-Dwarnings"

# Debian's ccache in front of the C compiler (CCACHE=0 turns it off):
# a kernel built from the same tree with another config (the C reference)
# can then take its C objects from the cache.  The cache lives in
# build/ccache, so a fresh clone starts empty; Rust is not cached.  (Other
# trees, the base's and series-check's, gain next to nothing from it, even
# with CCACHE_BASEDIR: most files include the <linux/ptrace.h> the series
# changes; tried, the base build took 5 of its 889 objects from the cache.)
if [ "${CCACHE:-1}" = 1 ] && command -v ccache >/dev/null 2>&1; then
	CCACHE_BIN=$BUILD_TOP/ccache-bin
	if [ ! -L "$CCACHE_BIN/$CLANG" ]; then
		mkdir -p "$CCACHE_BIN"
		ln -sf "$(command -v ccache)" "$CCACHE_BIN/$CLANG"
	fi
	CCACHE_DIR=${CCACHE_DIR:-$BUILD_TOP/ccache}
	# Every kernel tree sits beside its build directory (build/<base>/linux
	# and obj, base/linux and base/obj, series-check/linux and obj): with
	# the paths under build/ made relative to the build directory, one C
	# file of the same content compiles to the same cache entry in any of
	# them.
	CCACHE_BASEDIR=$BUILD_TOP
	case :$PATH: in *:"$CCACHE_BIN":*) ;; *) PATH=$CCACHE_BIN:$PATH ;; esac
	export CCACHE_DIR CCACHE_BASEDIR PATH
fi

# Run git inside the kernel tree, with a fixed identity.
kgit() {
	git -C "$SRC" -c user.name="$MAINT_NAME" -c user.email="$MAINT_EMAIL" \
		-c core.abbrev=12 "$@"
}

# Edits in the tree, ignored files included (Debian's .gitignore ignores
# everything), but for checkpatch --strict's CamelCase cache in its top.
tree_edits() {
	kgit status --porcelain --ignored | grep -v '^[?!][?!] \.checkpatch-camelcase\.' || true
}

# Does the tree hold work that the queue does not?  (edits, or commits
# since the last make tree or make export, recorded in series.stamp)
tree_dirty() {
	[ -n "$(tree_edits)" ] && return 0
	[ -f "$BUILD/series.stamp" ] || return 1
	[ "$(kgit rev-parse HEAD)" != "$(cut -d' ' -f2 "$BUILD/series.stamp")" ]
}

series_patches() {
	# Patch file names listed in the queue's series file, comments and
	# blanks dropped.
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

# Every patch the series file names must exist; die (in this shell) if not.
series_exists() {
	[ -f "$PATCHES/series" ] || die "$PATCHES/series is missing"
	for p in $(series_patches); do
		[ -f "$PATCHES/$p" ] || die "$PATCHES/series lists $p, which does not exist"
	done
}

# Hash of the series file and the patches it lists: what the tree was made
# from.  Call series_exists first: a die in this subshell would be lost.
series_hash() {
	{ cat "$PATCHES/series"; series_patches | while read -r p; do
		cat "$PATCHES/$p"; done; } | sha256sum | cut -d' ' -f1
}
