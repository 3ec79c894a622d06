#!/bin/sh
# make deps: install what the harness needs, quietly when all is there.
# Debian packages with apt-get, bindgen with cargo; then verify that the
# kernel's own "make rustavailable" accepts the toolchain.
set -eu
. "$(dirname "$0")/common.sh"

PKGS="linux-source-6.12 rustc-web rust-web-src rust-web-clippy rustfmt-web clang lld llvm libclang-dev
libelf-dev libssl-dev bc bison flex cpio xz-utils make gcc libc6-dev git
python3 python3-ply python3-git qemu-system-x86 busybox-static libcap-dev criu
quilt"
BINDGEN_VERSION=0.73.2

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		die "missing Debian packages:$missing; install them with: sudo apt-get update && sudo apt-get install -y$missing"
	fi
	msg "deps: installing$missing"
	apt-get update -qq >/dev/null || die "apt-get update failed; the missing packages are:$missing"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
		die "apt-get install failed for:$missing; run: apt-get install -y$missing"
fi

if ! "$BINDGEN" --version 2>/dev/null | grep -q "bindgen $BINDGEN_VERSION"; then
	cargo=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
	[ -x "$cargo" ] || die "cargo is missing (install Rust with rustup); it is needed for: cargo install --locked bindgen-cli"
	msg "deps: cargo install --locked bindgen-cli@$BINDGEN_VERSION (about 4 minutes)"
	"$cargo" install -q --locked --force bindgen-cli@"$BINDGEN_VERSION" ||
		die "installing bindgen failed; run: cargo install --locked bindgen-cli@$BINDGEN_VERSION"
fi

# The kernel's own verdict on the toolchain, once per toolchain.
if [ -d "$SRC/.git" ]; then
	id=$( { /usr/bin/rustc --version; "$BINDGEN" --version; clang --version | head -1; } | sha256sum)
	if [ "$(cat "$BUILD/rustavailable.ok" 2>/dev/null)" != "$id" ]; then
		mkdir -p "$OBJ"
		# shellcheck disable=SC2086
		make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS rustavailable >/dev/null ||
			die "make rustavailable rejects the toolchain (see above); 'apt-get install rustc-web rust-web-src libclang-dev' and 'cargo install --locked bindgen-cli' provide it"
		printf '%s\n' "$id" > "$BUILD/rustavailable.ok"
	fi
fi
