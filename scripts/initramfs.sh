#!/bin/sh
# Build the guest's initramfs: static busybox, the guest init, the selftests
# (static, against the tree's uAPI headers), and criu with its libraries.
# The suites the guest runs are listed in /etc/suites, one per line:
#   <name> <timeout seconds> <kind> <command...>
# where kind is "tap" for a program that prints TAP itself, or "exit" for
# one that reports by exit status only: the guest then wraps it the way
# the kselftest runner does (one TAP result from the exit status).
set -eu
. "$(dirname "$0")/common.sh"

[ -f "$OBJ/usr/include/linux/seccomp.h" ] || die "no uAPI headers in $OBJ/usr/include; run: make kernel"
BB=/bin/busybox
[ -x "$BB" ] && "$BB" --list >/dev/null 2>&1 || die "static busybox is missing; install it with: apt-get install busybox-static"
file -L "$BB" 2>/dev/null | grep -q 'dynamically' && die "$BB is dynamic; install busybox-static"

ST=$BUILD/selftests
ROOT=$BUILD/initramfs
OUT=$BUILD/initramfs.cpio.gz

# Selftests: built and installed as a distribution's CI does it, with the
# kselftest Makefile's install target (run_kselftest.sh, its runner and
# kselftest-list.txt beside the programs), statically linked so the guest
# needs no libc.  Only what changed is rebuilt.
KST=$ST/kselftest
# FORCE_TARGETS: a target that fails to build fails the install (without
# it the install succeeds when any one target builds).
make -s -C "$SRC/tools/testing/selftests" O="$ST/build" TARGETS="seccomp ptrace" FORCE_TARGETS=1 \
	KSFT_INSTALL_PATH="$KST" CC=gcc KHDR_INCLUDES="-isystem $OBJ/usr/include" \
	LDFLAGS="-static -pthread" install >/dev/null ||
	die "building and installing the seccomp and ptrace selftests failed"
[ -x "$KST/run_kselftest.sh" ] && [ -s "$KST/kselftest-list.txt" ] ||
	die "the kselftest install in $KST has no run_kselftest.sh or kselftest-list.txt"

# The series' sample tracer, when the tree has it (statically, like the
# selftests; kbuild builds it too, dynamically, with CONFIG_SAMPLE_SECCOMP).
SAMPLE=$SRC/samples/seccomp/suspend.c
if [ -f "$SAMPLE" ] && { [ ! -x "$ST/suspend" ] || [ "$SAMPLE" -nt "$ST/suspend" ]; }; then
	gcc -O2 -Wall -Werror -static -isystem "$OBJ/usr/include" -o "$ST/suspend" "$SAMPLE" ||
		die "building $SAMPLE failed"
fi
[ -f "$SAMPLE" ] || rm -f "$ST/suspend"

# The CRIU end-to-end suite (the harness's own, not part of the series),
# in kselftest_harness.h form like the selftests.
CRIU_TEST=$TOP/tests/criu/criu_seccomp.c
if [ ! -x "$ST/criu_seccomp" ] || [ "$CRIU_TEST" -nt "$ST/criu_seccomp" ] ||
   [ "$SRC/tools/testing/selftests/kselftest_harness.h" -nt "$ST/criu_seccomp" ]; then
	gcc -O2 -Wall -Werror -static -pthread -I "$SRC/tools/testing/selftests" \
		-isystem "$OBJ/usr/include" -o "$ST/criu_seccomp" "$CRIU_TEST" ||
		die "building $CRIU_TEST failed"
fi
# The benchmark of make bench (kselftest.h TAP), run under -icount.
BENCH=$TOP/tests/bench/syscall_bench.c
if [ ! -x "$ST/syscall_bench" ] || [ "$BENCH" -nt "$ST/syscall_bench" ]; then
	gcc -O2 -Wall -Werror -static -I "$SRC/tools/testing/selftests" \
		-isystem "$OBJ/usr/include" -o "$ST/syscall_bench" "$BENCH" ||
		die "building $BENCH failed"
fi
# make fuzz's sequence runner (issue 14), static like the rest.
# Both include tests/lib/one_syscall_filter.h.
FUZZ=$TOP/tests/fuzz/seccomp_fuzz.c
TLIB=$TOP/tests/lib
if [ ! -x "$ST/seccomp_fuzz" ] || [ "$FUZZ" -nt "$ST/seccomp_fuzz" ] ||
   [ "$TLIB/one_syscall_filter.h" -nt "$ST/seccomp_fuzz" ]; then
	gcc -O2 -Wall -Werror -static -I "$TLIB" -isystem "$OBJ/usr/include" \
		-o "$ST/seccomp_fuzz" "$FUZZ" || die "building $FUZZ failed"
fi
# The stress run (issue 14): tracers against tracee threads at once.
STRESS=$TOP/tests/stress/seccomp_stress.c
if [ ! -x "$ST/seccomp_stress" ] || [ "$STRESS" -nt "$ST/seccomp_stress" ] ||
   [ "$TLIB/one_syscall_filter.h" -nt "$ST/seccomp_stress" ]; then
	gcc -O2 -Wall -Werror -static -I "$TLIB" -isystem "$OBJ/usr/include" \
		-o "$ST/seccomp_stress" "$STRESS" -lpthread || die "building $STRESS failed"
fi
# Debian trixie's criu 4.1.1 with its own glibc and libraries
# (scripts/criu-trixie.sh, pinned in config/criu-trixie.pkgs): Debian 12's
# 3.17.1 cannot dump on 7.2, and 4.1.1 passes on both bases.
"$TOP/scripts/criu-trixie.sh"
CRIU_ROOT=$BUILD_TOP/criu-trixie/root

rm -rf "$ROOT"
mkdir -p "$ROOT"/bin "$ROOT"/sbin "$ROOT"/etc "$ROOT"/proc "$ROOT"/sys "$ROOT"/dev \
	"$ROOT"/tmp "$ROOT"/run "$ROOT"/root "$ROOT"/usr/bin "$ROOT"/usr/sbin "$ROOT"/tests
cp "$BB" "$ROOT/bin/busybox"
for app in $("$BB" --list); do
	[ -e "$ROOT/bin/$app" ] || ln -s busybox "$ROOT/bin/$app"
done
cp "$TOP/scripts/guest-init" "$ROOT/init"
cp "$TOP/scripts/guest-demo" "$ROOT/etc/demo"
cp "$TOP/scripts/guest-implementation" "$ROOT/tests/implementation"
chmod +x "$ROOT/tests/implementation"
chmod +x "$ROOT/etc/demo"
chmod +x "$ROOT/init"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ROOT/etc/group"

# criu is dynamic: it goes in with trixie's ld.so, libc and the other
# libraries of its DT_NEEDED closure, at their paths (/usr/sbin/criu,
# /usr/lib/x86_64-linux-gnu, its interpreter /lib64/ld-linux-x86-64.so.2).
# Everything else in the guest is static, so this libc serves criu alone.
cp -a "$CRIU_ROOT/." "$ROOT/"
# The version it must report: the pin's upstream part (no epoch, Debian
# revision or repack suffix).
sed -n 's/^criu=//p' "$TOP/config/criu-trixie.pkgs" |
	sed -e 's/^[0-9]*://' -e 's/-[^-]*$//' -e 's/[+~].*//' > "$ROOT/etc/criu.version"
cp "$TOP/scripts/guest-criu-check" "$ROOT/tests/criu-check"
chmod +x "$ROOT/tests/criu-check"

for t in "$ST"/syscall_bench "$ST"/seccomp_fuzz "$ST"/seccomp_stress "$KST"/seccomp/seccomp_benchmark "$ST"/criu_seccomp "$ST"/suspend; do
	[ -x "$t" ] && [ -f "$t" ] && cp "$t" "$ROOT/tests/"
done
# The kselftests as installed, run by their own runner, which times each
# program out with coreutils' timeout (busybox's lacks --foreground) after
# the time its directory's settings file gives (45 s by default).  That
# timeout is Debian's, dynamic: it runs on the glibc criu brought in.
cp -a "$KST" "$ROOT/kselftest"
cp /usr/bin/timeout "$ROOT/usr/bin/timeout"
[ -e "$ROOT/lib64/ld-linux-x86-64.so.2" ] && [ -e "$ROOT/usr/lib/x86_64-linux-gnu/libc.so.6" ] ||
	die "the guest has no glibc for coreutils' timeout (criu's libraries are missing)"
# vmaccess's "attach" case expects the de_thread() rework that never went
# upstream and hangs to its timeout on the unmodified 6.12 tree too: the
# runner passes -T attach through KSELFTEST_VMACCESS_ARGS.
printf '#!/bin/sh\nKSELFTEST_VMACCESS_ARGS="-T attach" exec /kselftest/run_kselftest.sh -t ptrace:vmaccess\n' \
	> "$ROOT/tests/ksft-vmaccess"
chmod +x "$ROOT/tests/ksft-vmaccess"

# The suites, in the order they run: name, timeout (s), kind, command.
# Each timeout is several times the suite's time here under TCG with the
# cores shared; the guest's own timeout (boot.sh) is their sum plus the
# boot, so a suite that hangs is killed and reported by itself and the
# suites after it still run.
# A kselftest is a suite of its own, run_kselftest.sh -t DIR:PROGRAM, named
# PROGRAM (seccomp) or ptrace_PROGRAM; its timeout here is the runner's for
# it (the settings file's, else 45 s) plus 60 s, so that the runner
# reports a hang itself.
ksft_timeout() {	# $1: directory
	secs=
	[ -f "$KST/$1/settings" ] && secs=$(sed -n 's/^timeout=//p' "$KST/$1/settings")
	echo $(( ${secs:-45} + 60 ))
}
ksft() {	# $1: DIR:PROGRAM, $2: suite name
	echo "$2 $(ksft_timeout "${1%%:*}") tap /kselftest/run_kselftest.sh -t $1"
}
{
	echo "implementation 30 tap /tests/implementation"
	ksft seccomp:seccomp_bpf seccomp_bpf
	grep -qx seccomp:seccomp_suspend "$KST/kselftest-list.txt" &&
		ksft seccomp:seccomp_suspend seccomp_suspend
	[ -x "$ROOT/tests/suspend" ] &&
		echo "sample_suspend 60 exit /tests/suspend"
	echo "criu_check 60 exit /tests/criu-check"
	echo "criu 400 tap /tests/criu_seccomp"
	# Every ptrace selftest the tree has, through the runner (vmaccess
	# with -T attach, above).
	for t in $(sed -n 's/^ptrace://p' "$KST/kselftest-list.txt"); do
		if [ "$t" = vmaccess ]; then
			echo "ptrace_vmaccess $(ksft_timeout ptrace) tap /tests/ksft-vmaccess"
		else
			ksft "ptrace:$t" "ptrace_$t"
		fi
	done
	# Random differential testing: the same seeded sequences on every
	# kernel the check boots, their outputs compared step by step on the
	# host (scripts/fuzz.py; make fuzz runs longer ones).  About 100
	# sequences a second here.
	echo "fuzz 600 exit /tests/seccomp_fuzz ${FUZZ_SEED:-1} ${FUZZ_SEQUENCES:-10000}"
	# Many tracers against many tracee threads for 10 s, then what must
	# hold once the tracers are gone (and kmemleak's verdict, where the
	# kernel has it).
	echo "stress 120 tap /tests/seccomp_stress ${STRESS_SECONDS:-10}"
	# The same with kernel.seccomp.scoped_suspend on, the tracers under
	# a filter their tracees share (a SKIP for each test without it).
	echo "stress_scoped 120 tap /tests/seccomp_stress ${STRESS_SECONDS:-10} 4 3 4 scoped"
} > "$ROOT/etc/suites"

# make bench's list: our cases, then the upstream benchmark with a fixed
# sample count (it would calibrate itself to 15 s of calls otherwise).
{
	echo "syscall_bench 900 tap /tests/syscall_bench"
	echo "seccomp_benchmark 900 tap /tests/seccomp_benchmark 200000"
} > "$ROOT/etc/bench"

(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
msg "initramfs: $OUT ($(du -h "$OUT" | cut -f1))"
