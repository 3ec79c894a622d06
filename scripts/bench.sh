#!/bin/sh
# make bench: the cost of the series on $BASE, in guest instructions.
# Boots three kernels of the same config under QEMU TCG with -icount
# shift=0,sleep=off (one virtual ns per guest instruction; one CPU): the
# base without the series (build/$BASE/base/obj), the series with the Rust
# policy (build/$BASE/obj) and the series with the C policy, Rust still on
# (build/$BASE/matrix/rust-c-policy/obj: the C reference kernel has no
# Rust, and that alone changes the cost of the ptrace paths); each runs /etc/bench (tests/bench/syscall_bench.c
# and the upstream seccomp_benchmark) $RUNS times.  Then
# results/$BASE/bench.md: the table, whether the runs agree, and
# scripts/bloat-o-meter of the series over the base, judged without scoped
# suspension (build/$BASE/matrix/rust-scoped-n/obj).
set -eu
. "$(dirname "$0")/common.sh"

RUNS=${RUNS:-2}
OUT=$RESULTS/bench
rm -rf "$OUT"
mkdir -p "$OUT"
for k in base rust c; do
	case $k in
	base) kernel=$BUILD/base/obj ;;
	rust) kernel=$OBJ ;;
	c) kernel=$BUILD/matrix/rust-c-policy/obj ;;
	esac
	[ -f "$kernel/arch/x86/boot/bzImage" ] || die "no kernel in $kernel; run: make bench (it builds them)"
	run=1
	while [ $run -le "$RUNS" ]; do
		dir=$OUT/$k.$run
		msg "bench: $k kernel, run $run of $RUNS"
		ICOUNT=1 TIMEOUT=${TIMEOUT:-1200} KERNEL=$kernel/arch/x86/boot/bzImage \
			RESULTS=$dir IMPL=$k "$TOP/scripts/boot.sh" bench ||
			die "the $k kernel's bench run failed; see $dir"
		python3 "$TOP/scripts/tap.py" split "$dir" syscall_bench seccomp_benchmark
		python3 "$TOP/scripts/tap.py" report "$dir" syscall_bench seccomp_benchmark >&2 ||
			die "a bench case failed on the $k kernel; see $dir"
		run=$((run + 1))
	done
done

# Text of the series over the base: scripts/bloat-o-meter, text symbols.
# The Rust policy without scoped suspension (CONFIG_SECCOMP_SUSPEND_SCOPED
# off, its default) is the config matrix's rust-scoped-n kernel; the
# difference between it and the Rust kernel is scoped suspension's own.
noscoped=$BUILD/matrix/rust-scoped-n/obj/vmlinux
[ -f "$noscoped" ] || die "no kernel in ${noscoped%/vmlinux}; run: make bench (it builds it)"
bloat() { "$SRC/scripts/bloat-o-meter" -t "$1" "$2" > "$OUT/bloat-$3.txt"; }
bloat "$BUILD/base/obj/vmlinux" "$OBJ/vmlinux" rust
bloat "$BUILD/base/obj/vmlinux" "$BUILD/matrix/rust-c-policy/obj/vmlinux" c
bloat "$BUILD/base/obj/vmlinux" "$noscoped" rust-scoped-n
bloat "$noscoped" "$OBJ/vmlinux" scoped
python3 "$TOP/scripts/bench.py" "$OUT" "$RUNS" > "$RESULTS/bench.md"
cat "$RESULTS/bench.md"
