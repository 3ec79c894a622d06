#!/bin/sh
# make kernel: configure (tinyconfig + config/[0-9]*.config +
# config/$BASE/*.config [+ $EXTRA_CONFIG], or $FRAGMENTS) and build bzImage
# plus the uAPI headers into $OBJ, outside the source tree.
set -eu
. "$(dirname "$0")/common.sh"

[ -e "$SRC/.git" ] || die "no kernel tree in $SRC; run: make tree"
mkdir -p "$OBJ"
jobs=${JOBS:-$(nproc)}
# shellcheck disable=SC2086
kmake() { make -s -C "$SRC" O="$OBJ" $KMAKE_ARGS "$@"; }

# FRAGMENTS replaces the list (series-check builds with the series' own).
frags=${FRAGMENTS:-"$TOP/config/[0-9]*.config $(ls "$TOP/config/$BASE"/*.config 2>/dev/null | tr '\n' ' ')${EXTRA_CONFIG:-}"}
# The configuration is redone when the fragments change, or the Kconfig
# files (their blobs in the tree's index, which git am and the series'
# trees keep current; an edit not staged does not count): a patch that
# adds a symbol the fragments ask for, as a prefix of the series does in
# series-check, would otherwise leave it at its default, since kbuild's
# syncconfig gives a new symbol its default, not the fragments' value.
kconfigs=$(git -C "$SRC" ls-files -s -- '*Kconfig*') || die "cannot list the Kconfig files of $SRC"
# shellcheck disable=SC2086
want=$( { cat $frags; printf '%s\n' "$kconfigs"; } | sha256sum | cut -d' ' -f1)
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.fragments" 2>/dev/null)" != "$want" ]; then
	msg "kernel: configuring $OBJ (tinyconfig + $(echo $frags | xargs -n1 basename | tr '\n' ' '))"
	kmake tinyconfig >/dev/null
	# shellcheck disable=SC2086
	(cd "$SRC" && KCONFIG_CONFIG="$OBJ/.config" scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" $frags >/dev/null)
	kmake olddefconfig >/dev/null
	# Every option the fragments ask for (a later fragment overriding an
	# earlier one) must have taken: a missing dependency (RUST_IS_AVAILABLE
	# above all) otherwise drops it silently.
	bad=0
	# shellcheck disable=SC2086
	wanted=$(cat $frags | awk '
		/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym); want[sym] = $0; next }
		/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { want[$2] = "off " $2 }
		END { for (s in want) print want[s] }')
	for line in $wanted; do
		case $line in
		off) ;;
		CONFIG_*=*)
			grep -qx "$line" "$OBJ/.config" ||
				{ msg "kernel: $line did not take (got: $(grep "^${line%%=*}=" "$OBJ/.config" || echo 'not set'))"; bad=1; } ;;
		CONFIG_*)
			grep -q "^$line=" "$OBJ/.config" && { msg "kernel: $line should be off"; bad=1; } ;;
		esac
	done
	if [ $bad = 1 ] && [ "${LENIENT:-0}" = 1 ]; then
		msg "kernel: going on without them (LENIENT=1: a prefix of the series)"
	elif [ $bad = 1 ]; then
		grep -q '^CONFIG_RUST=y' "$OBJ/.config" || kmake rustavailable >&2 || true
		die "the kernel config lacks options the fragments ask for (see above)"
	fi
	printf '%s\n' "$want" > "$OBJ/.fragments"
fi

msg "kernel: building in $OBJ with $jobs jobs"
# kallsyms warns, two lines each, about every Rust symbol of the doctests
# longer than KSYM_NAME_LEN (screens of them): counted, not shown.
rcf=$(mktemp)
{ kmake -j"$jobs" bzImage 2>&1 && echo 0 > "$rcf" || echo $? > "$rcf"; } |
	awk '/too long for kallsyms|^Please increase KSYM_NAME_LEN/ { n++; next }
		{ print; fflush() }
		END { if (n) printf "kernel: %d kallsyms lines about long Rust symbol names left out\n", n }'
rc=$(cat "$rcf")
rm -f "$rcf"
[ "$rc" = 0 ] || exit "$rc"
kmake headers_install >/dev/null
msg "kernel: $(kmake -s kernelrelease) $OBJ/arch/x86/boot/bzImage"
