#!/bin/sh
# make matrix: the config matrix (issue 12), one TAP line per entry in
# $RESULTS/host/matrix.tap.  Usage: matrix.sh cheap|all [ENTRY...]
#   cheap  what make check has time for (LEVEL=ci): the entries that are
#          the check's own kernels, checked from their config and results
#          (so run it after their boots), seconds
#   all    every entry (LEVEL=full, make check-full)
# Given ENTRY names, only those run (the level is then ignored).
# Each entry builds in build/<base>/matrix/<entry>/obj from $MATRIX_SRC
# (default: the series tree $SRC, whose C objects ccache then shares with
# the check's kernels) and keeps its boot's results, its log and its
# one-line TAP in results/<base>/matrix/<entry>*.  The entries:
#   rust-schedstats-n  RUST=y, SCHEDSTATS=n: the check's own Rust kernel
#                      (config/20-rust.config has no SCHEDSTATS); every Rust
#                      doctest and KUnit case of its boot passed
#   rust-n             RUST=n: the C reference kernel (config/reference/
#                      c-policy.config), booted with every suite
#   no-cr              Rust on, CHECKPOINT_RESTORE=n: builds, boots the
#                      selftest, whose P1 cases must run and pass
#   rust-c-policy      Rust on, SECCOMP_SUSPEND_RUST=n: builds
#   rust-scoped-n      the Rust policy, SECCOMP_SUSPEND_SCOPED=n (the
#                      option's default): builds, boots the selftest, whose
#                      switch_on cases all skip for want of the option
#   no-multiuser       Rust on, MULTIUSER=n (the capable() stub): builds
#   debug              the debug flavour (config/matrix/debug.config): every
#                      suite but fuzz passes and the console has no report;
#                      an upstream test may fail if it fails on the base
#                      built with the same config too
#   kcsan              KCSAN (config/matrix/kcsan.config) on the stress
#                      suites: they pass, no report names the series' code;
#                      the base with the same config lists its own reports
#                      (KCSAN_BASE=0: not built)
#   debian-amd64       6.12: Debian's own amd64 config, olddefconfig, with
#                      gcc as Debian builds it: the objects the series
#                      touches compile
#   arm64              not done yet: a SKIP line says what it needs
set -eu
. "$(dirname "$0")/common.sh"

TAP="python3 $TOP/scripts/tap.py"
MDIR=$BUILD/matrix
MRES=$RESULTS/matrix
MATRIX_SRC=${MATRIX_SRC:-$SRC}
# What an entry's first build is copied from (see build() below): the
# check's Rust kernel when the entries build from its tree.
if [ "$MATRIX_SRC" = "$SRC" ]; then seed=${MATRIX_SEED-$OBJ}; else seed=${MATRIX_SEED:-}; fi
DEBIAN_CONFIG=${DEBIAN_CONFIG:-/usr/src/linux-config-6.12/config.amd64_none_amd64.xz}

# One entry, run as its own process so that set -e holds in it.  Its
# output goes to its log; it exits 0 (passed), 1 (failed) or 4 (does not
# apply to this base, the reason on the last line of its log).
if [ "${1:-}" = --entry ]; then
	name=$2
	mkdir -p "$MDIR/$name" "$MRES/$name"
	mobj=$MDIR/$name/obj
	# Build the entry's kernel: the check's fragments plus its own.  A
	# first build starts from a copy of the check's Rust kernel (built
	# from the same tree), so that kbuild rebuilds only what the entry's
	# options change, and the kernel crate: a fresh build directory
	# would redo every step ccache does not cache (MATRIX_SEED= turns
	# it off, or names another build directory of MATRIX_SRC).
	build() {	# $1: its fragment, under config/
		if [ ! -f "$mobj/.config" ] && [ -n "$seed" ] && [ -f "$seed/.config" ] &&
		   [ -f "$seed/vmlinux" ]; then
			msg "matrix: starting from a copy of $seed"
			rm -rf "$mobj"
			cp -a "$seed" "$mobj"
			rm -f "$mobj/.fragments"
		fi
		OBJ=$mobj SRC=$MATRIX_SRC EXTRA_CONFIG=$TOP/config/$1 "$TOP/scripts/kernel.sh"
	}
	# Boot a kernel with the check's initramfs, the suites named only.
	guest() {	# $1: kernel, $2: its results, $3: suites, comma-separated, $4: more arguments
		rm -rf "${2:?}"/*
		mkdir -p "$2"
		KERNEL=$1 RESULTS=$2 IMPL=${IMPL:-rust} INITRD=${MATRIX_INITRD:-$BUILD/initramfs.cpio.gz} \
			KERNEL_ARGS="ss.only=$3 ${4:-}" "$TOP/scripts/boot.sh" check
	}
	# Boot the entry's kernel and judge it as make check judges a boot.
	boot() {	# $1: suites, comma-separated
		rc=0
		guest "$mobj/arch/x86/boot/bzImage" "$MRES/$name" "$1" || rc=$?
		# shellcheck disable=SC2046
		$TAP report-guest "$MRES/$name" $(echo "$1" | tr , ' ') || rc=1
		return $rc
	}
	# Build the unmodified base with the check's fragments and the entry's
	# into $bobj.  LENIENT, as the base has none of the series' options;
	# but every option of the entry's own fragment is stock, and the base
	# is only a fair comparison with all of them as asked.
	base_build() {	# $1: the entry's fragment, under config/
		"$TOP/scripts/base-kernel.sh" --worktree-only
		bobj=$MDIR/$name/base-obj
		OBJ=$bobj SRC=$BUILD/base/linux LENIENT=1 EXTRA_CONFIG=$TOP/config/$1 "$TOP/scripts/kernel.sh"
		sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1/p' "$TOP/config/$1" | while read -r o; do
			! grep -q "^$o=" "$bobj/.config" || die "$bobj has $o, which $1 turns off"
		done
		grep '^CONFIG_' "$TOP/config/$1" | while read -r l; do
			grep -qxF -- "$l" "$bobj/.config" || die "$bobj lacks $l ($1)"
		done
	}
	case $name in
	rust-schedstats-n)
		# The check's Rust kernel, as its boot left it.
		[ -f "$OBJ/.config" ] || die "no kernel in $OBJ: make kernel"
		grep -qx 'CONFIG_RUST=y' "$OBJ/.config" || die "$OBJ is not a Rust kernel"
		! grep -qx 'CONFIG_SCHEDSTATS=y' "$OBJ/.config" ||
			die "$OBJ has CONFIG_SCHEDSTATS=y: this entry is the Rust kernel without it"
		[ -f "$RESULTS/kunit.tap" ] || die "no KUnit results of $OBJ in $RESULTS: make check-guest"
		[ "$OBJ/arch/x86/boot/bzImage" -ot "$RESULTS/kunit.tap" ] ||
			die "$RESULTS/kunit.tap is older than the kernel: make check-guest"
		$TAP require "$RESULTS/kunit.tap" '^rust_doctests_'
		msg "every Rust doctest passed: $($TAP parse "$RESULTS/kunit.tap")" ;;
	rust-n)
		# The C reference kernel, as its boot left it.
		ref=$BUILD/obj-ref
		[ -f "$ref/.config" ] || die "no C reference kernel in $ref: make reference-kernel"
		grep -q '^CONFIG_RUST=y' "$ref/.config" && die "$ref has CONFIG_RUST=y"
		grep -qx 'CONFIG_CHECKPOINT_RESTORE=y' "$ref/.config" || die "$ref has no CHECKPOINT_RESTORE"
		[ -f "$RESULTS/ref/console.log" ] && [ "$ref/arch/x86/boot/bzImage" -ot "$RESULTS/ref/console.log" ] ||
			die "no boot of $ref in $RESULTS/ref: make check-reference"
		# shellcheck disable=SC2046
		$TAP report-guest "$RESULTS/ref" $(cat "$RESULTS/suites" 2>/dev/null || cut -d' ' -f1 "$BUILD/initramfs/etc/suites") ;;
	no-cr)
		build matrix/no-cr.config
		grep -q '^CONFIG_CHECKPOINT_RESTORE=y' "$mobj/.config" && die "$mobj has CHECKPOINT_RESTORE"
		rc=0
		boot implementation,seccomp_suspend || rc=$?
		# SPEC P1: the cases that only run without the option ran and passed.
		$TAP require "$MRES/$name/seccomp_suspend.tap" \
			'\.config_present$' '\.config_checked_before_capability$' || rc=1
		exit $rc ;;
	rust-c-policy)
		build matrix/rust-c-policy.config ;;
	rust-scoped-n)
		# The Rust policy without scoped suspension, the option's
		# default (make bench judges the series' text on it): no
		# kernel.seccomp.scoped_suspend, so every switch_on case skips
		# for want of the option and every other case passes.
		build matrix/rust-scoped-n.config
		grep -qx 'CONFIG_SECCOMP_SUSPEND_RUST=y' "$mobj/.config" || die "$mobj lacks CONFIG_SECCOMP_SUSPEND_RUST"
		grep -q '^CONFIG_SECCOMP_SUSPEND_SCOPED=y' "$mobj/.config" && die "$mobj has CONFIG_SECCOMP_SUSPEND_SCOPED"
		rc=0
		boot implementation,seccomp_suspend || rc=$?
		t=$MRES/$name/seccomp_suspend.tap
		on=$(grep -cE '^ *(not )?ok [0-9]+ [^ ]*switch_on' "$t" || true)
		skipped=$(grep -cE '^ *ok [0-9]+ [^ ]*switch_on[^ ]* # SKIP .*needs CONFIG_SECCOMP_SUSPEND_SCOPED' "$t" || true)
		msg "rust-scoped-n: $skipped of $on switch_on cases skipped for want of the option"
		[ "$on" -gt 0 ] && [ "$skipped" = "$on" ] || rc=1
		exit $rc ;;
	no-multiuser)
		build matrix/no-multiuser.config ;;
	debug)
		# Every option changes how every file is compiled, so this is a
		# whole build whatever it starts from: no copy of the check's
		# kernel (MATRIX_SEED= to build from nothing).
		seed=
		build matrix/debug.config
		for o in KASAN PROVE_LOCKING UBSAN KFENCE DEBUG_KMEMLEAK RUST_OVERFLOW_CHECKS SECCOMP_SUSPEND_RUST; do
			grep -qx "CONFIG_$o=y" "$mobj/.config" || die "$mobj lacks CONFIG_$o"
		done
		# Every suite but the random sequences (7 a second on this
		# kernel: 10000 take 25 min; a thousand of them below).  Then the
		# unmodified base with the
		# same config and the upstream suites: upstream's
		# seccomp_bpf has a case that times out on a debug kernel with
		# or without the series (user_notification_wait_killable_after_
		# reply), so a test may fail here if it fails there too.  Any
		# report in the console, any other failure, fails the entry.
		suites=$(cut -d' ' -f1 "$BUILD/initramfs/etc/suites" | grep -vx fuzz | paste -sd, -)
		upstream=$(echo "$suites" | tr , '\n' | grep -x 'seccomp_bpf\|ptrace_.*' | paste -sd, -)
		# The random sequences too, the first DEBUG_FUZZ_SEQUENCES of
		# the check's seed, in a boot of their own after the suites'
		# (below): each must print what it printed on the check's Rust
		# kernel, whose output is checked here, before any boot, to be
		# newer than the program (make matrix repacks the initramfs).
		[ -f "$RESULTS/fuzz.tap" ] && [ "$BUILD/selftests/seccomp_fuzz" -ot "$RESULTS/fuzz.tap" ] ||
			die "no random sequences of the check's Rust kernel with this seccomp_fuzz in $RESULTS: make check-guest"
		# The seed and the number of sequences that run had (the
		# initramfs's FUZZ_SEED and FUZZ_SEQUENCES).
		head=$(sed -n 's/^[# ]*seccomp_fuzz seed \([0-9]*\) sequences 0\.\.\([0-9]*\)$/\1 \2/p' "$RESULTS/fuzz.tap")
		[ -n "$head" ] || die "$RESULTS/fuzz.tap has no seccomp_fuzz header"
		fseed=${head% *} n=$(( ${head#* } + 1 ))
		[ "$n" -le "${DEBUG_FUZZ_SEQUENCES:-1000}" ] || n=${DEBUG_FUZZ_SEQUENCES:-1000}
		# Either boot's status counts, as make check's boot line does: a
		# guest that hangs after its suites, or is killed at its
		# timeout, fails the entry even when every suite it ran passed.
		rc=0
		guest "$mobj/arch/x86/boot/bzImage" "$MRES/$name" "$suites" || { msg "debug: the boot failed"; rc=1; }
		rm -rf "$MRES/$name/fuzz"
		mkdir -p "$MRES/$name/fuzz"
		KERNEL=$mobj/arch/x86/boot/bzImage RESULTS=$MRES/$name/fuzz IMPL=rust TIMEOUT=$((180 + n / 2)) \
			KERNEL_ARGS="ss.fuzz=$fseed,$n" "$TOP/scripts/boot.sh" fuzz ||
			{ msg "debug: the random sequences' boot failed"; rc=1; }
		$TAP splats "$MRES/$name/fuzz/console.log" || rc=1
		python3 "$TOP/scripts/fuzz.py" compare --first "$n" \
			debug="$MRES/$name/fuzz/guest.out" rust="$RESULTS/fuzz.tap" || rc=1
		base_build matrix/debug.config
		guest "$bobj/arch/x86/boot/bzImage" "$MRES/$name/base" "$upstream" ||
			{ msg "debug: the base's boot failed"; rc=1; }
		# shellcheck disable=SC2046
		$TAP report-against-base "$MRES/$name" "$MRES/$name/base" $(echo "$suites" | tr , ' ') || rc=1
		# The stress suites' leak check ran: it is a SKIP where the
		# kernel has no kmemleak or the guest no debugfs.
		for t in stress stress_scoped; do
			$TAP require "$MRES/$name/$t.tap" 'kmemleak finds no new leak$' || rc=1
		done
		exit $rc ;;
	kcsan)
		# KCSAN (config/matrix/kcsan.config) on the stress suites, which
		# race tracers (seize, set and clear the option, read filters,
		# detach, die) against tracee threads (TSYNC filters, strict
		# mode, exits), with the switch off and on, for 30 s each
		# (KCSAN_STRESS_SECONDS) instead of 10; then the unmodified
		# base with the same config on the same suites, for comparison.
		# Whole builds, as for debug: KCSAN instruments every file.
		seed=
		build matrix/kcsan.config
		grep -qx 'CONFIG_KCSAN=y' "$mobj/.config" || die "$mobj lacks CONFIG_KCSAN"
		suites=stress,stress_scoped
		rc=0
		boot_apart() {	# $1: kernel, $2: results; KCSAN's reports judged apart
			brc=0
			guest "$1" "$2" "$suites" "ss.stress=${KCSAN_STRESS_SECONDS:-30}" || brc=$?
			# shellcheck disable=SC2046
			$TAP report-guest --kcsan-apart "$2" $(echo "$suites" | tr , ' ') || brc=1
			return $brc
		}
		boot_apart "$mobj/arch/x86/boot/bzImage" "$MRES/$name" || rc=1
		base_console=
		if [ "${KCSAN_BASE:-1}" = 1 ]; then
			base_build matrix/kcsan.config
			boot_apart "$bobj/arch/x86/boot/bzImage" "$MRES/$name/base" ||
				msg "kcsan: the base's boot did not pass (its reports are listed all the same)"
			[ -f "$MRES/$name/base/console.log" ] || die "the base's boot left no console log"
			base_console=$MRES/$name/base/console.log
		fi
		# The series' code: the functions of the kernel objects built
		# from the C files it changes (every function there, as inlining
		# folds helpers into their callers), and those its diff names
		# (the working tree's, as built), user space left out; Rust is
		# recognised by its symbols.
		git -C "$MATRIX_SRC" diff -U0 "$BASE_TAG" -- '*.c' '*.h' ':!tools' ':!samples' > "$MRES/$name/series.diff"
		{
			$TAP series-functions "$MRES/$name/series.diff"
			for f in $(git -C "$MATRIX_SRC" diff --name-only "$BASE_TAG" -- '*.c' ':!tools' ':!samples'); do
				case $f in rust/helpers/*) o=rust/helpers/helpers.o ;; *) o=${f%.c}.o ;; esac
				[ -f "$mobj/$o" ] || continue
				nm --defined-only "$mobj/$o" | awk '$2 ~ /^[tTW]$/ { print $3 }'
			done
		} | sort -u > "$MRES/$name/series.functions"
		msg "kcsan: $(wc -l < "$MRES/$name/series.functions") functions of the series"
		# shellcheck disable=SC2086
		$TAP kcsan "$MRES/$name/kcsan.tap" "$MRES/$name/console.log" "$MRES/$name/series.functions" \
			$base_console || rc=1
		exit $rc ;;
	debian-amd64)
		[ "$BASE" = 6.12 ] || { msg "Debian's config is linux-config-6.12's: the 6.12 queue's entry"; exit 4; }
		[ -f "$DEBIAN_CONFIG" ] || die "no $DEBIAN_CONFIG: make deps (package linux-config-6.12)"
		# gcc 12, as Debian builds its 6.12 packages for Debian 12 (the
		# config's CONFIG_CC_VERSION_TEXT), so this is the C path as
		# shipped; no LLVM, no Rust (the config has none).
		dmake() { make -s -C "$MATRIX_SRC" O="$mobj" ARCH=x86_64 CC="${DEBIAN_CC:-gcc}" "$@"; }
		mkdir -p "$mobj"
		xz -dc "$DEBIAN_CONFIG" > "$mobj/.config.debian"
		if ! cmp -s "$mobj/.config.debian" "$mobj/.config.orig" 2>/dev/null || [ ! -f "$mobj/.config" ]; then
			cp "$mobj/.config.debian" "$mobj/.config"
			dmake olddefconfig >/dev/null
			cp "$mobj/.config.debian" "$mobj/.config.orig"
		fi
		msg "debian-amd64: Debian built it with $(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$mobj/.config.debian"); here $(sed -n 's/^CONFIG_CC_VERSION_TEXT=//p' "$mobj/.config")"
		grep -q '^CONFIG_RUST=y' "$mobj/.config" && msg "debian-amd64: the config has Rust"
		for o in CONFIG_SECCOMP=y CONFIG_CHECKPOINT_RESTORE=y; do
			grep -qx "$o" "$mobj/.config" || die "the Debian config lost $o"
		done
		# The kernel C files the series changes (not user space: tools/,
		# samples/; rust/ only with CONFIG_RUST), and the callers of the
		# seccomp hooks in the syscall entry, which include the changed
		# <linux/ptrace.h> and <linux/seccomp.h>.
		objs=
		for f in $(git -C "$MATRIX_SRC" diff --name-only "$BASE_TAG" HEAD -- '*.c') \
			kernel/entry/common.c arch/x86/kernel/ptrace.c; do
			case $f in
			tools/*|samples/*) continue ;;
			rust/*) grep -qx 'CONFIG_RUST=y' "$mobj/.config" || { msg "debian-amd64: $f: not built (no Rust)"; continue; } ;;
			esac
			case " $objs " in *" ${f%.c}.o "*) ;; *) objs="$objs ${f%.c}.o" ;; esac
		done
		msg "debian-amd64: compiling$objs"
		# shellcheck disable=SC2086
		dmake -j"${JOBS:-$(nproc)}" $objs
		for o in $objs; do
			[ -s "$mobj/$o" ] || die "$o was not built"
			msg "debian-amd64: $o built"
		done ;;
	arm64)
		msg "not built yet: needs ARCH=arm64 LLVM=1 with Debian's rust-web aarch64 target (rust-src has it; the kernel needs its arm64 target.json), qemu-system-arm (qemu-system-aarch64), an aarch64 static busybox and the selftests cross-built (gcc-aarch64-linux-gnu), and boot.sh taught qemu-system-aarch64 -M virt"
		exit 4 ;;
	*) die "unknown matrix entry: $name" ;;
	esac
	exit 0
fi

# An entry's TAP line says what it shows.
describe() {
	case $1 in
	rust-schedstats-n) echo 'RUST=y, SCHEDSTATS=n: every Rust doctest and KUnit case of the check'"'"'s Rust kernel passed' ;;
	rust-n) echo 'RUST=n: the C reference kernel built without Rust and passed every suite' ;;
	no-cr) echo 'RUST=y, CHECKPOINT_RESTORE=n: builds, boots, and the P1 cases ran and passed (EINVAL on SETOPTIONS and SEIZE, root too)' ;;
	rust-c-policy) echo 'RUST=y, SECCOMP_SUSPEND_RUST=n: builds' ;;
	rust-scoped-n) echo 'the Rust policy, SECCOMP_SUSPEND_SCOPED=n: builds, boots, every switch_on case skipped for want of the option, every other case passed' ;;
	no-multiuser) echo 'RUST=y, MULTIUSER=n (the capable() stub): builds' ;;
	debug) echo 'the debug flavour (KASAN, KFENCE, UBSAN, lockdep, kmemleak, Rust overflow checks): builds, every suite passes (an upstream test may fail where it fails on the base with the same config; the first 1000 random sequences, the same as on the Rust kernel), no report in the console' ;;
	kcsan) echo 'KCSAN on the stress suites (switch off and on): they pass, and no data race report has an access in the series'"'"' code, nor any that the base did not report on the same test (both listed)' ;;
	debian-amd64) echo "Debian's amd64 config (linux-config-6.12), olddefconfig, gcc: the objects the series touches compile" ;;
	arm64) echo 'ARCH=arm64 LLVM=1 with Rust: builds and boots under qemu-system-aarch64' ;;
	*) echo "$1" ;;
	esac
}

level=${1:-${MATRIX:-all}}
[ $# -gt 0 ] && shift
case $level in
# no-cr would be one more whole kernel on CI's clock: CHECKPOINT_RESTORE
# is tested in <linux/ptrace.h>, which most of the kernel includes.
cheap) entries="rust-schedstats-n rust-n" ;;
all) entries="rust-schedstats-n rust-n no-cr rust-c-policy rust-scoped-n no-multiuser debug kcsan debian-amd64 arm64" ;;
*) die "MATRIX=$level: the levels are cheap (make check) and all (make check-full)" ;;
esac
if [ $# -gt 0 ]; then entries=$*; fi

mkdir -p "$MRES" "$RESULTS/host"
rm -f "$RESULTS/host/matrix.tap"
files=
fail=0
for e in $entries; do
	log=$MRES/$e.log
	msg "matrix $BASE: $e (log in $log)"
	start=$(date +%s)
	rc=0
	sh "$0" --entry "$e" > "$log" 2>&1 || rc=$?
	secs=$(( $(date +%s) - start ))
	what="$e (${secs}s): $(describe "$e")"
	if [ $rc = 4 ]; then
		$TAP skip "$what" "$(tail -n 1 "$log")" > "$MRES/$e.tap"
	else
		$TAP status "$what" $rc > "$MRES/$e.tap"
		[ $rc = 0 ] || { fail=1; tail -n 15 "$log" | sed 's/^/# /' >> "$MRES/$e.tap"; }
	fi
	grep -E "^(ok|not ok) " "$MRES/$e.tap" | sed "s/^/matrix $BASE: /" >&2
	files="$files $MRES/$e.tap"
done
# shellcheck disable=SC2086
$TAP merge $files > "$RESULTS/host/matrix.tap"
exit $fail
