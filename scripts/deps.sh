#!/bin/sh
# make deps: install what the harness needs for $BASE, quietly when all is
# there.  Debian packages with apt-get, bindgen with cargo, the pinned
# source of a base that Debian 12 does not carry with apt-get download;
# then verify that the kernel's own "make rustavailable" accepts the
# toolchain.
set -eu
. "$(dirname "$0")/common.sh"

# Everything the scripts call, for both bases (make check builds and
# boots both; linux-config-6.12 has Debian's own config, the config
# matrix's debian-amd64 entry).  linux-source-6.12 and
# rustc-web come from bookworm-security.
PKGS="linux-source-6.12 rustc-web rust-web-src rust-web-clippy rustfmt-web cargo-web
clang lld llvm libclang-dev clang-19 lld-19 llvm-19 libclang-19-dev
libelf-dev libssl-dev bc bison flex cpio xz-utils zstd make gcc libc6-dev git file
python3 python3-ply python3-git qemu-system-x86 busybox-static libcap-dev binutils
quilt coreutils gzip ccache python3-sphinx python3-yaml linux-config-6.12 rsync"
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

# The 6.12 source the LTS queue was tested on: install that version when
# the archive still has it, else warn (tree.sh warns again).
tested612=$(sed -n 1p "$TOP/queues/lts-6.12/base-version")
have612=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
if [ "$have612" != "$tested612" ] && [ "$(id -u)" = 0 ]; then
	if apt-cache madison linux-source-6.12 | grep -q " $tested612 "; then
		msg "deps: installing linux-source-6.12=$tested612 (the LTS queue's base)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades \
			"linux-source-6.12=$tested612" >/dev/null ||
			die "apt-get install linux-source-6.12=$tested612 failed"
	else
		msg "warning: the archive no longer has linux-source-6.12 $tested612 (the LTS queue's base); using $have612"
	fi
fi

# The pinned 7.2 source, fetched from trixie-backports (Debian's archive,
# through a private sources list: the host's apt is not touched).
if [ "$BASE" = 7.2 ]; then
	pin=$(sed -n 1p "$QUEUE/base-version")
	stamp=$BUILD_TOP/debs/$SRCPKG.version
	if [ "$(cat "$stamp" 2>/dev/null)" != "$pin" ] || [ ! -f "$TARBALL" ]; then
		msg "deps: fetching $SRCPKG $pin from Debian trixie-backports"
		rm -rf "$BUILD_TOP/debs/$SRCPKG" "$stamp"
		rc=0
		"$TOP/scripts/fetch-debs.sh" trixie-backports "$BUILD_TOP/debs/$SRCPKG" "$SRCPKG=$pin" || rc=$?
		[ $rc = 2 ] && die "the upstream queue is pinned to $SRCPKG $pin; move the pin with: make pin BASE=7.2 VERSION=<one of the versions above> (then make check, and commit queues/upstream-7.2/base-version)"
		[ $rc = 0 ] || exit $rc
		printf '%s\n' "$pin" > "$stamp"
	fi
fi

if ! "$BINDGEN" --version 2>/dev/null | grep -q "bindgen $BINDGEN_VERSION"; then
	cargo=$(command -v cargo || echo "${CARGO_HOME:-$HOME/.cargo}/bin/cargo")
	[ -x "$cargo" ] || die "cargo is missing (apt-get install cargo-web, or rustup); it is needed for: cargo install --locked bindgen-cli"
	msg "deps: cargo install --locked bindgen-cli@$BINDGEN_VERSION (about 4 minutes)"
	"$cargo" install -q --locked --force --root "${CARGO_HOME:-$HOME/.cargo}" bindgen-cli@"$BINDGEN_VERSION" ||
		die "installing bindgen failed; run: cargo install --locked bindgen-cli@$BINDGEN_VERSION"
fi

# The kernel's own verdict on the toolchain, once per toolchain and base.
if [ -d "$SRC/.git" ]; then
	id=$( { echo "$BASE"; /usr/bin/rustc --version; "$BINDGEN" --version; "$CLANG" --version | head -1; } | sha256sum)
	if [ "$(cat "$BUILD/rustavailable.ok" 2>/dev/null)" != "$id" ]; then
		mkdir -p "$OBJ"
		# shellcheck disable=SC2086
		make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS rustavailable >/dev/null ||
			die "make rustavailable rejects the toolchain for $BASE (see above); 'apt-get install rustc-web rust-web-src libclang-dev libclang-19-dev' and 'cargo install --locked bindgen-cli' provide it"
		printf '%s\n' "$id" > "$BUILD/rustavailable.ok"
	fi
fi
