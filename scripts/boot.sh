#!/bin/sh
# Boot the kernel in QEMU with the initramfs, in one of the guest's modes:
#   check  run /etc/suites, their output in $RESULTS/guest.out
#   run    run the demo, its output shown as it comes (and kept in guest.out)
#   bench  run /etc/bench like check runs /etc/suites (use with ICOUNT=1)
# IMPL (rust or c) is the policy implementation the kernel was built with,
# which the guest checks against /proc/kallsyms.
# The console (ttyS0) goes to $RESULTS/console.log.  TCG unless a quick
# probe proves that KVM boots this kernel (ACCEL=tcg|kvm|auto, default
# auto).  A guest still running after $TIMEOUT seconds is killed and the
# console tail is shown.  Exits with the guest's status.
set -eu
. "$(dirname "$0")/common.sh"

mode=${1:-check}
KERNEL=${KERNEL:-$OBJ/arch/x86/boot/bzImage}
INITRD=${INITRD:-$BUILD/initramfs.cpio.gz}
# The guest's timeout: in check mode the sum of its suites' own
# timeouts (the initramfs's /etc/suites) and 180 s for the boot and KUnit,
# so that a suite that hangs is killed by its own timeout first.
suites=$(dirname "$INITRD")/initramfs/etc/suites
if [ -z "${TIMEOUT:-}" ] && [ "$mode" = check ] && [ -f "$suites" ]; then
	TIMEOUT=$(awk '{ t += $2 } END { print t + 180 }' "$suites")
fi
TIMEOUT=${TIMEOUT:-1200}
ACCEL=${ACCEL:-auto}
mkdir -p "$RESULTS"
[ -f "$KERNEL" ] || die "no kernel at $KERNEL; run: make kernel"
[ -f "$INITRD" ] || die "no initramfs at $INITRD; run: make initramfs"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 is missing; install it with: apt-get install qemu-system-x86"

# Set "$@" to the QEMU command.  $1: accel, $2: console file, $3: second
# serial port (file:PATH or stdio), $4: mode.
qemu_cmd() {
	case $1 in
	kvm) acc="-accel kvm -cpu host" smp=2 ;;
	*) acc="-accel tcg,thread=multi -cpu max" smp=2 ;;
	esac
	# ICOUNT=1: one virtual nanosecond per guest instruction, on one CPU
	# (icount needs single-threaded TCG), for make bench.  Nothing of the
	# host's may reach the guest either, or two boots of one kernel run
	# different instructions (7.2's SEIZE cycles took two paths 3% apart):
	# no RDRAND/RDSEED, a fixed clock, no KASLR, no mmap randomization.
	if [ "${ICOUNT:-0}" = 1 ]; then
		acc="-accel tcg,thread=single -cpu max,rdrand=off,rdseed=off"
		acc="$acc -icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm"
		smp=1
		det_args="nokaslr norandmaps"
	fi
	q_con=$2 q_out=$3 q_mode=$4
	# One socket a CPU: SeaBIOS's MP table, which a guest without ACPI
	# reads, lists one CPU a socket, so "-smp 2" (one socket of two
	# cores) booted every guest on one CPU, where tracers and tracees
	# never ran at the same time.
	# shellcheck disable=SC2086
	set -- qemu-system-x86_64 -nodefaults -no-user-config -no-reboot \
		-display none $acc -m 1536 -smp "$smp,sockets=$smp" ${QEMU_EXTRA:-} \
		-kernel "$KERNEL" -initrd "$INITRD" \
		-append "console=ttyS0 panic=-1 ss.mode=$q_mode ss.impl=${IMPL:-rust} ${det_args:-} ${KERNEL_ARGS:-}" \
		-serial file:"$q_con" -serial "$q_out"
	QEMU="$*"
	CMD=$(for a in "$@"; do printf "'%s' " "$a"; done)
}

[ "${ICOUNT:-0}" = 1 ] && ACCEL=tcg
if [ "$ACCEL" = auto ]; then
	ACCEL=tcg
	if [ -w /dev/kvm ]; then
		# Whether KVM works is a property of this host as booted.
		id=$( { cat /proc/sys/kernel/random/boot_id; qemu-system-x86_64 --version | head -n 1; } | sha256sum | cut -c1-16)
		verdict=$(sed -n "s/^$id //p" "$BUILD/kvm-probe" 2>/dev/null | tail -n 1)
		if [ -z "$verdict" ]; then
			rm -f "$BUILD/probe.out"
			qemu_cmd kvm "$BUILD/probe.console" file:"$BUILD/probe.out" probe
			eval "timeout -k 2 20 $CMD" >/dev/null 2>&1 || true
			verdict=no
			grep -q '^@@ probe ok' "$BUILD/probe.out" 2>/dev/null && verdict=ok
			echo "$id $verdict" >> "$BUILD/kvm-probe"
			msg "boot: KVM probe: $verdict"
		fi
		[ "$verdict" = ok ] && ACCEL=kvm
	fi
fi

con=$RESULTS/console.log
out=$RESULTS/guest.out
rm -f "$con" "$out"
msg "boot: $mode, $ACCEL, timeout ${TIMEOUT}s, console in $con"
start=$(date +%s)
if [ "$mode" = run ]; then
	qemu_cmd "$ACCEL" "$con" stdio run
	rcf=$BUILD/boot.rc
	{ eval "timeout -k 5 $TIMEOUT $CMD"; echo $? > "$rcf"; } | tr -d '\r' |
		tee "$out" | sed -u '/^@@ /d'
	rc=$(cat "$rcf")
else
	qemu_cmd "$ACCEL" "$con" file:"$out" "$mode"
	rc=0
	eval "timeout -k 5 $TIMEOUT $CMD" || rc=$?
	tr -d '\r' < "$out" > "$out.tmp" && mv "$out.tmp" "$out"
fi
msg "boot: guest ran $(( $(date +%s) - start ))s"

if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	msg "error: the guest did not finish within ${TIMEOUT}s and was killed; the console's last lines:"
	tail -n 30 "$con" | tr -d '\r' >&2
	exit 124
fi
[ "$rc" = 0 ] || die "QEMU failed with status $rc: $QEMU"
status=$(sed -n 's/^@@ done rc=\([0-9]*\)$/\1/p' "$out" | tail -n 1)
if [ -z "$status" ]; then
	msg "error: the guest stopped before it finished; the console's last lines:"
	tail -n 30 "$con" | tr -d '\r' >&2
	exit 1
fi
exit "$status"
