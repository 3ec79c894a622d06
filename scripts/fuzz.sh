#!/bin/sh
# make fuzz: random differential testing (issue 14).  Boots the unmodified
# base kernel (make base-kernel), the C reference (make reference-kernel)
# and the Rust kernel (make kernel) with the same initramfs, each running
# tests/fuzz/seccomp_fuzz.c on the same SEED for SEQUENCES sequences, and
# has scripts/fuzz.py compare their outputs step by step: it names the
# seed, the sequence that shows a difference soonest, its first step that
# differs and the rerun cut after it.  A kernel splat in a console fails
# the run too.
# Outputs in $RESULTS/fuzz/<kernel>/guest.out.
set -eu
. "$(dirname "$0")/common.sh"

SEED=${SEED:-1}
SEQUENCES=${SEQUENCES:-10000}
FUZZ_KERNELS=${FUZZ_KERNELS:-"base=$BUILD/base/obj c=$BUILD/obj-ref rust=$OBJ"}
# About 100 sequences a second in a TCG guest (measured); 10 allowed.
TIMEOUT=${TIMEOUT:-$((120 + SEQUENCES / 10))}
export TIMEOUT

args=
rc=0
for kv in $FUZZ_KERNELS; do
	name=${kv%%=*} obj=${kv#*=}
	[ -f "$obj/arch/x86/boot/bzImage" ] || die "no kernel for $name in $obj"
	res=$RESULTS/fuzz/$name
	impl=rust
	grep -qx 'CONFIG_SECCOMP_SUSPEND_RUST=y' "$obj/.config" || impl=c
	msg "fuzz: $name kernel, seed $SEED, $SEQUENCES sequences"
	KERNEL=$obj/arch/x86/boot/bzImage RESULTS=$res IMPL=$impl \
		KERNEL_ARGS="ss.fuzz=$SEED,$SEQUENCES" "$TOP/scripts/boot.sh" fuzz || rc=1
	# A report in the console fails the run, as in make check's boots.
	python3 "$TOP/scripts/tap.py" splats "$res/console.log" || rc=1
	args="$args $name=$res/guest.out"
done
# shellcheck disable=SC2086
python3 "$TOP/scripts/fuzz.py" compare $args | tee "$RESULTS/fuzz/report.txt" || rc=1
exit $rc
