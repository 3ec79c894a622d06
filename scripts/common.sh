# Shared settings for the harness scripts; sourced, not run.
# shellcheck shell=sh

TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
SRC=${SRC:-$BUILD/linux}
OBJ=${OBJ:-$BUILD/obj}
RESULTS=${RESULTS:-$TOP/results}
PATCHES=${PATCHES:-$TOP/patches}
TARBALL=${TARBALL:-/usr/src/linux-source-6.12.tar.xz}
BRANCH=series
BASE_TAG=base

# The identity the series is authored and committed as.
MAINT_NAME='Seccomp Suspend Maintainers'
MAINT_EMAIL='seccomp-suspend@example.org'

# Kernel make arguments: the LLVM toolchain and Debian's Rust (rustc-web
# ships rust-src, which the kernel needs; rustup's toolchain here has none),
# so every Rust tool is named by its full path.  Rust always compiles
# through clippy-driver (the same code as rustc, plus the lints) with
# warnings as errors: a Rust warning or clippy lint fails the build.
BINDGEN=${BINDGEN:-$HOME/.cargo/bin/bindgen}
KMAKE_ARGS="ARCH=x86_64 LLVM=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
RUSTFMT=/usr/bin/rustfmt CLIPPY_DRIVER=/usr/bin/clippy-driver BINDGEN=$BINDGEN \
CLIPPY=1 KRUSTFLAGS=-Dwarnings"

msg() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run git inside the kernel tree, with a fixed identity.
kgit() {
	git -C "$SRC" -c user.name="$MAINT_NAME" -c user.email="$MAINT_EMAIL" \
		-c core.abbrev=12 "$@"
}

series_patches() {
	# Patch file names listed in patches/series, comments and blanks dropped.
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

# Hash of patches/series and the patches it lists: what the tree was made from.
series_hash() {
	{ cat "$PATCHES/series"; series_patches | while read -r p; do
		[ -f "$PATCHES/$p" ] || die "patches/series lists $p, which does not exist"
		cat "$PATCHES/$p"; done; } | sha256sum | cut -d' ' -f1
}
