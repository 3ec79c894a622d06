#!/bin/sh
# make pin BASE=7.2 VERSION=V: move the upstream queue's pinned Debian
# source to version V of linux-source-7.2 (it must still be in Debian
# trixie-backports), then fetch it.  Run make check afterwards: the queue
# must still apply and pass on the new base.
set -eu
. "$(dirname "$0")/common.sh"

[ "$BASE" = 7.2 ] || die "only the 7.2 base is pinned this way; 6.12 follows Debian 12's linux-source-6.12"
[ -n "${VERSION:-}" ] || die "usage: make pin BASE=7.2 VERSION=<version of $SRCPKG in trixie-backports>"
old=$(sed -n 1p "$QUEUE/base-version")
printf '%s\n' "$VERSION" > "$QUEUE/base-version.new"
rc=0
"$TOP/scripts/fetch-debs.sh" trixie-backports "$BUILD_TOP/debs/$SRCPKG.pin" "$SRCPKG=$VERSION" || rc=$?
rm -rf "$BUILD_TOP/debs/$SRCPKG.pin"
if [ $rc != 0 ]; then
	rm -f "$QUEUE/base-version.new"
	die "not pinned: $SRCPKG $VERSION cannot be fetched (see above); the pin stays at $old"
fi
mv "$QUEUE/base-version.new" "$QUEUE/base-version"
msg "pin: $SRCPKG $old -> $VERSION in $QUEUE/base-version; next: make check, then commit it"
