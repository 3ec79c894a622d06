// SPDX-License-Identifier: GPL-2.0
/*
 * What seccomp and PTRACE_O_SUSPEND_SECCOMP cost, per call, on the kernel
 * this runs on.  Meant for a QEMU TCG guest with -icount shift=0,sleep=off,
 * where CLOCK_MONOTONIC advances one nanosecond per guest instruction: the
 * figures are then guest instructions, the same run after run.
 *
 * Every system call case runs in a fresh child (so that filters and strict
 * mode stay there), which times its own rounds with clock_gettime (the
 * vDSO: no system call) and sends the time with its answer: nothing but
 * the calls, the loop around them and the clock reads is counted.  Strict
 * mode disables the TSC (TIF_NOTSC), so a child in strict mode cannot
 * read the clock: the parent times its rounds from the moment it lets the
 * child go to the child's answer, the pipe round trip and the scheduler's
 * two task switches included.  Those vary from kernel to kernel by a
 * few hundred instructions a round (a tenth of an instruction a call and
 * more), which a child's own clock leaves out.
 *
 * Timer interrupts (HZ=250: one every 4M guest instructions) would add
 * their cost to whichever round they hit, so a round is kept well under
 * that, and a case's figure is the fastest of ROUNDS rounds, less the
 * fastest of ROUNDS empty rounds (the clock reads, or the pipe round
 * trip): what is left is the calls alone.  Each case also checks that it
 * did what it claims (the filter answered, the suspended call ran), so a
 * figure is never taken from a case that did not happen.
 *
 * Output: TAP, one test per case, and a line "# bench: CASE VALUE" each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "kselftest.h"

#define ROUNDS		25	/* rounds of each case; the fastest counts */
#define CALLS		2000L	/* system calls a round */
#define SETOPTIONS	1000L	/* PTRACE_SETOPTIONS calls a round */
#define CYCLES		40L	/* SEIZE...DETACH cycles a round */

static unsigned long long now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static int install(struct sock_filter *f, unsigned short len)
{
	struct sock_fprog prog = { .len = len, .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/*
 * 4 instructions: @nr fails with EACCES, anything else is allowed.  On
 * getppid() the filter runs for every call; on uname() the kernel's action
 * cache (a bitmap per architecture) answers getppid() without running it.
 */
static int errno_filter(int nr)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	return install(f, 4);
}

/*
 * 4 instructions the action cache cannot answer (they read an argument),
 * so the filter runs for every call: EXDEV for a first argument of
 * 0x7ffffff0, which no call here passes; anything else is allowed.
 */
static int arg_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x7ffffff0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EXDEV),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	return install(f, 4);
}

enum setup { NONE, ERRNO_FILTER, CACHED_FILTER, ARG_FILTER, STRICT };

/* The child's answer to a round. */
struct answer {
	long bad;		/* calls that did not return what the case expects */
	unsigned long long ns;	/* the round on the child's clock, but in strict mode */
};

/*
 * In the child: set up @setup, then for every byte on @go make CALLS calls
 * ('c') or none ('0'), and answer with how many did not return what the
 * case expects and, but in strict mode, how long they took; stop at 'q'.
 * The parent may suspend us before the first.  @ppid is our parent's pid,
 * read before any filter on getppid() was installed.
 */
static void syscall_loop(int res, int go, enum setup setup, int suspended, pid_t ppid)
{
	int zero = open("/dev/zero", O_RDONLY);
	/* Filtered: EACCES, unless suspended; else the parent's pid. */
	long want = setup == ERRNO_FILTER && !suspended ? -1 : ppid;
	struct answer a;
	unsigned long long t;
	long i, n;
	char cmd;

	if ((setup == ERRNO_FILTER && errno_filter(__NR_getppid)) ||
	    (setup == CACHED_FILTER && errno_filter(__NR_uname)) ||
	    (setup == ARG_FILTER && arg_filter()) ||
	    (setup == STRICT && prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)))
		syscall(__NR_exit, 2);
	while (read(go, &cmd, 1) == 1 && cmd != 'q') {
		n = cmd == 'c' ? CALLS : 0;
		a.bad = 0;
		a.ns = 0;
		if (setup == STRICT) {
			for (i = 0; i < n; i++)
				a.bad += syscall(__NR_read, zero, &cmd, 0) != 0;
		} else {
			t = now();
			for (i = 0; i < n; i++)
				a.bad += syscall(__NR_getppid) != want;
			a.ns = now() - t;
		}
		if (write(res, &a, sizeof(a)) != sizeof(a))
			break;
	}
	syscall(__NR_exit, 0);
}

static void report(const char *name, const char *what, unsigned long long best,
		   unsigned long long empty, long calls, const char *fail)
{
	if (fail) {
		ksft_test_result_fail("%s: %s\n", name, fail);
		return;
	}
	ksft_print_msg("bench: %s %.1f\n", name, (double)(best - empty) / calls);
	ksft_test_result_pass("%s (%s)\n", name, what);
}

static unsigned long long fastest(unsigned long long best, unsigned long long t)
{
	return t < best ? t : best;
}

/*
 * One round with the child: @cmd, then its answer.  Its length on the
 * child's clock, or with @by_us (strict mode) the round trip's on ours;
 * or ~0.
 */
static unsigned long long round_trip(int go, int res, char cmd, int by_us,
				     const char **fail)
{
	unsigned long long t = now();
	struct answer a;

	if (write(go, &cmd, 1) != 1 || read(res, &a, sizeof(a)) != sizeof(a)) {
		*fail = "the child did not answer (killed?)";
		return ~0ULL;
	}
	t = now() - t;
	if (a.bad)
		*fail = "a call did not answer as the case expects";
	return by_us ? t : a.ns;
}

static void syscall_case(const char *name, const char *what, enum setup setup,
			 int suspend)
{
	unsigned long long best = ~0ULL, empty = ~0ULL;
	const char *fail = NULL;
	int res[2], go[2], r;
	pid_t pid;

	if (pipe(res) || pipe(go))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = fork();
	if (pid == 0) {
		close(res[0]);
		close(go[1]);
		syscall_loop(res[1], go[0], setup, suspend, getppid());
	}
	close(res[1]);
	close(go[0]);
	if (suspend && ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_SUSPEND_SECCOMP))
		fail = "PTRACE_SEIZE with PTRACE_O_SUSPEND_SECCOMP failed";
	for (r = 0; r < ROUNDS && !fail; r++) {
		empty = fastest(empty, round_trip(go[1], res[0], '0', setup == STRICT, &fail));
		best = fastest(best, round_trip(go[1], res[0], 'c', setup == STRICT, &fail));
	}
	if (write(go[1], "q", 1) != 1)
		kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	close(res[0]);
	close(go[1]);
	report(name, what, best, empty, CALLS, fail);
}

#define SCOPED_SWITCH "/proc/sys/kernel/seccomp/scoped_suspend"

static int write_switch(char value)
{
	int fd = open(SCOPED_SWITCH, O_WRONLY);
	int ok = fd >= 0 && write(fd, &value, 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/*
 * A scoped suspension (rows Z2, Z8): a tracer under the floor filter
 * @floor (ARG_FILTER or CACHED_FILTER) forks the timed child, which adds
 * @above ERRNO filters on getppid() above it, and seizes it with
 * PTRACE_O_SUSPEND_SECCOMP.  The child's calls then run the floor's chain
 * alone, and succeed; were the suspension lost, the ERRNO filters would
 * fail them.  The tracer holds the suspension until the case ends.  The
 * figure is to be read against the same floor filter run unsuspended
 * (getppid_arg, getppid_cached).  Only on kernels with the switch, which
 * the case turns on for its duration.
 */
static void scoped_case(const char *name, const char *what, enum setup floor, int above)
{
	int res[2], go[2], st[2], hold[2], fd, r;
	unsigned long long best = ~0ULL, empty = ~0ULL;
	const char *fail = NULL;
	char old = '0', ok = 0;
	pid_t tracer, pid = -1;

	fd = open(SCOPED_SWITCH, O_RDONLY);
	if (fd < 0) {
		ksft_test_result_skip("%s: no %s on this kernel\n", name, SCOPED_SWITCH);
		return;
	}
	if (read(fd, &old, 1) != 1 || write_switch('1'))
		ksft_exit_fail_msg("%s: cannot turn %s on\n", name, SCOPED_SWITCH);
	close(fd);
	if (pipe(res) || pipe(go) || pipe(st) || pipe(hold))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	tracer = fork();
	if (tracer == 0) {
		close(st[0]);
		close(hold[1]);
		if ((floor == ARG_FILTER ? arg_filter() : errno_filter(__NR_uname)) == 0) {
			pid = fork();
			if (pid == 0) {
				/*
				 * Before the filters: the tracer may not have
				 * suspended them yet.
				 */
				pid_t ppid = getppid();

				close(res[0]);
				close(go[1]);
				close(st[1]);
				close(hold[0]);
				/* All but the last, which syscall_loop() adds. */
				while (--above > 0)
					if (errno_filter(__NR_getppid))
						syscall(__NR_exit, 2);
				syscall_loop(res[1], go[0], ERRNO_FILTER, 1, ppid);
			}
			ok = pid > 0 &&
			     !ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_SUSPEND_SECCOMP);
		}
		close(res[0]);
		close(res[1]);
		close(go[0]);
		close(go[1]);
		if (write(st[1], &ok, 1) == 1)
			read(hold[0], &ok, 1);	/* until the case ends */
		if (pid > 0)
			waitpid(pid, NULL, __WALL);
		_exit(0);
	}
	close(res[1]);
	close(go[0]);
	close(st[1]);
	close(hold[0]);
	if (read(st[0], &ok, 1) != 1 || !ok)
		fail = "the tracer under the floor could not suspend its child";
	for (r = 0; r < ROUNDS && !fail; r++) {
		empty = fastest(empty, round_trip(go[1], res[0], '0', 0, &fail));
		best = fastest(best, round_trip(go[1], res[0], 'c', 0, &fail));
	}
	if (write(go[1], "q", 1) != 1)
		fail = fail ?: "the child was gone";
	close(go[1]);
	close(hold[1]);
	waitpid(tracer, NULL, 0);
	close(res[0]);
	close(st[0]);
	if (write_switch(old))
		ksft_exit_fail_msg("%s: cannot put %s back\n", name, SCOPED_SWITCH);
	report(name, what, best, empty, CALLS, fail);
}

/* The cost of timing nothing: two clock reads. */
static unsigned long long empty_timing(void)
{
	unsigned long long empty = ~0ULL, t;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		t = now();
		empty = fastest(empty, now() - t);
	}
	return empty;
}

/* A tracee for the ptrace cases: blocks in read() until killed. */
static pid_t idle_child(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		read(p[0], &c, 1);
		_exit(0);
	}
	close(p[0]);
	return pid;
}

static int stop(pid_t pid)
{
	int status;

	return ptrace(PTRACE_INTERRUPT, pid, 0, 0) ||
	       waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status) ? -1 : 0;
}

/* SEIZE (with @opts), INTERRUPT, wait for the stop, DETACH: CYCLES a round. */
static void seize_case(const char *name, const char *what, long opts)
{
	unsigned long long best = ~0ULL, t;
	pid_t pid = idle_child();
	const char *fail = NULL;
	long i;
	int r;

	for (r = 0; r < ROUNDS && !fail; r++) {
		t = now();
		for (i = 0; i < CYCLES && !fail; i++) {
			if (ptrace(PTRACE_SEIZE, pid, 0, opts))
				fail = "PTRACE_SEIZE failed";
			else if (stop(pid))
				fail = "PTRACE_INTERRUPT did not stop it";
			else if (ptrace(PTRACE_DETACH, pid, 0, 0))
				fail = "PTRACE_DETACH failed";
		}
		best = fastest(best, now() - t);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	report(name, what, best, empty_timing(), CYCLES, fail);
}

/* One stopped tracee; PTRACE_SETOPTIONS @on, then 0: SETOPTIONS calls a round. */
static void setoptions_case(const char *name, const char *what, long on)
{
	unsigned long long best = ~0ULL, t;
	pid_t pid = idle_child();
	const char *fail = NULL;
	long i;
	int r;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) || stop(pid))
		fail = "could not seize and stop the tracee";
	for (r = 0; r < ROUNDS && !fail; r++) {
		t = now();
		for (i = 0; i < SETOPTIONS / 2 && !fail; i++)
			if (ptrace(PTRACE_SETOPTIONS, pid, 0, on) ||
			    ptrace(PTRACE_SETOPTIONS, pid, 0, 0))
				fail = "PTRACE_SETOPTIONS failed";
		best = fastest(best, now() - t);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	report(name, what, best, empty_timing(), SETOPTIONS, fail);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(13);
	ksft_print_msg("ns per call (with -icount shift=0: guest instructions); fastest of %d rounds of %ld calls, %ld PTRACE_SETOPTIONS, %ld ptrace cycles\n",
		       ROUNDS, CALLS, SETOPTIONS, CYCLES);
	syscall_case("getppid", "no seccomp", NONE, 0);
	syscall_case("getppid_filter", "one 4-instruction filter: ERRNO", ERRNO_FILTER, 0);
	syscall_case("getppid_cached", "one filter the action cache answers: ALLOW",
		     CACHED_FILTER, 0);
	syscall_case("getppid_arg", "one 4-instruction filter that reads an argument: ALLOW",
		     ARG_FILTER, 0);
	syscall_case("read0_strict", "read(fd, buf, 0) in strict mode", STRICT, 0);
	syscall_case("getppid_suspended",
		     "the ERRNO filter, suspended by a tracer: the call runs", ERRNO_FILTER, 1);
	scoped_case("getppid_scoped_arg",
		    "scoped suspension, floor: the argument filter; an ERRNO filter above it",
		    ARG_FILTER, 1);
	scoped_case("getppid_scoped_arg3",
		    "scoped suspension, floor: the argument filter; three ERRNO filters above it",
		    ARG_FILTER, 3);
	scoped_case("getppid_scoped_cached",
		    "scoped suspension, floor: the filter the cache answers; an ERRNO filter above it",
		    CACHED_FILTER, 1);
	seize_case("seize_detach_suspend",
		   "PTRACE_SEIZE with PTRACE_O_SUSPEND_SECCOMP, INTERRUPT, wait, DETACH",
		   PTRACE_O_SUSPEND_SECCOMP);
	seize_case("seize_detach_plain", "the same without the option", 0);
	setoptions_case("setoptions_suspend",
			"PTRACE_SETOPTIONS, alternately PTRACE_O_SUSPEND_SECCOMP and 0",
			PTRACE_O_SUSPEND_SECCOMP);
	setoptions_case("setoptions_plain",
			"PTRACE_SETOPTIONS, alternately PTRACE_O_TRACESYSGOOD and 0",
			PTRACE_O_TRACESYSGOOD);
	ksft_finished();
}
