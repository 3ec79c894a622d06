// SPDX-License-Identifier: GPL-2.0
/*
 * Random differential testing of seccomp suspension (issue 14): seeded
 * sequences of operations over what the suspension policy and the syscall
 * hook see, each step's observable outcome printed as one line.  The same
 * seed gives the same sequences on every kernel, so the outputs of the
 * unmodified base, the series' C path and its Rust path must be identical;
 * scripts/fuzz.py compares them and names the first step that differs.
 *
 *   seccomp_fuzz SEED COUNT [FIRST [WORKERS [STEPS]]]
 *
 * runs sequences FIRST .. FIRST+COUNT-1 of SEED, in WORKERS processes at
 * once (default: one per online CPU; the output is the same), each cut
 * after its step STEPS if it has more (a difference's shortest rerun:
 * the steps before the cut draw and print what they do uncut).  Each
 * sequence runs in a process of its own (the tracer), which sets up its own state at random
 * (CAP_SYS_ADMIN kept or dropped, a user namespace, a seccomp filter of
 * its own, a suspension of its own by a tracer of its own), forks a
 * tracee that sets up its state at random (no seccomp, strict mode, one
 * to three filters whose action for getppid() is any of seccomp's, with
 * or without TSYNC) and then serves commands over a pipe, and then runs
 * up to 12 random steps: PTRACE_SEIZE or PTRACE_SETOPTIONS with a random
 * option word (unknown bits included), PTRACE_ATTACH,
 * PTRACE_SECCOMP_GET_FILTER / _GET_METADATA with random indexes,
 * PTRACE_DETACH, a getppid() in the tracee, a filter installed by a new
 * thread of the tracee (with or without TSYNC), a fork in the tracee
 * whose child calls getppid() (auto-attached when the option word asked
 * for it), a second tracer that seizes the tracee and then exits or is
 * killed, /proc/PID/status's seccomp and tracer lines; then it kills the
 * tracee.  Lines look like
 *   7.3 seize 0x200001 = -1 EPERM
 * and hold no PID, address or time.  Exit status 0, or 1 when the harness
 * itself failed (a sequence that hung past its alarm).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "one_syscall_filter.h"

#ifndef PTRACE_O_SUSPEND_SECCOMP
#define PTRACE_O_SUSPEND_SECCOMP (1 << 21)
#endif

static uint64_t rng;

/* splitmix64: the same numbers on every kernel and libc. */
static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd(unsigned int n)
{
	return next() % n;
}

static const char *seq_id;
static int step;
/* Steps after this one are not run (0: all); see main(). */
static unsigned long max_steps;

static const char *err(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ESRCH: return "ESRCH";
	case EIO: return "EIO";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case EMEDIUMTYPE: return "EMEDIUMTYPE";
	case ENOSYS: return "ENOSYS";
	case EFAULT: return "EFAULT";
	default: {
		static char buf[16];

		snprintf(buf, sizeof(buf), "E%d", e);
		return buf;
	}
	}
}

/* One line: "<seq>.<step> <what> = <ret> [errno]". */
static void out(const char *what, long ret, int e)
{
	if (ret < 0)
		printf("%s.%d %s = %ld %s\n", seq_id, step, what, ret, err(e));
	else
		printf("%s.%d %s = %ld\n", seq_id, step, what, ret);
	fflush(stdout);
}

/* Run a call and print its outcome, errno read after it. */
#define DO(what, call) do {			\
	long _r;				\
						\
	errno = 0;				\
	_r = (call);				\
	out(what, _r, errno);			\
} while (0)

static void note(const char *what)
{
	printf("%s.%d %s\n", seq_id, step, what);
	fflush(stdout);
}

/* The actions a tracee's filter may give getppid(). */
static const struct {
	const char *name;
	unsigned int ret;
} actions[] = {
	{ "allow", SECCOMP_RET_ALLOW },
	{ "errno", SECCOMP_RET_ERRNO | 42 },
	{ "trap", SECCOMP_RET_TRAP },
	{ "trace", SECCOMP_RET_TRACE | 7 },
	{ "log", SECCOMP_RET_LOG },
	{ "kill_thread", SECCOMP_RET_KILL_THREAD },
	{ "kill_process", SECCOMP_RET_KILL_PROCESS },
	{ "user_notif", SECCOMP_RET_USER_NOTIF },
};

/* A filter that gives getppid() the action given. */
static int install(unsigned int action, unsigned int flags)
{
	return install_filter(__NR_getppid, action, flags);
}

struct thread_filter {
	unsigned int action, flags;
	long ret;
	int err;
};

static void *thread_install(void *arg)
{
	struct thread_filter *t = arg;

	errno = 0;
	t->ret = install(t->action, t->flags);
	t->err = errno;
	return NULL;
}

/*
 * The tracee: serve requests until told to stop or killed.  Each is one
 * command byte (and an argument byte) and gets two longs back:
 *   x      getppid(): 1 or -1, errno
 *   t A F  a new thread installs a filter with action A, TSYNC if F: its
 *          return value, errno
 *   f      fork a child that calls getppid() and exits 1 on success,
 *          64 + errno on failure: the child's wait status, 0 (or -1, errno
 *          when fork failed)
 */
static void tracee(int cmd, int res)
{
	unsigned char c[2];

	while (read(cmd, c, 1) == 1) {
		long reply[2] = { 0, 0 };

		if (c[0] == 't') {
			struct thread_filter t = { 0 };
			pthread_t th;

			if (read(cmd, c + 1, 1) != 1)
				break;
			t.action = actions[(c[1] & 0x7f) % (sizeof(actions) / sizeof(actions[0]))].ret;
			t.flags = c[1] & 0x80 ? SECCOMP_FILTER_FLAG_TSYNC : 0;
			if (pthread_create(&th, NULL, thread_install, &t) == 0) {
				pthread_join(th, NULL);
				reply[0] = t.ret;
				reply[1] = t.err;
			} else {
				reply[0] = -1;
				reply[1] = EAGAIN;
			}
		} else if (c[0] == 'f') {
			pid_t p = fork();
			int status = 0;

			if (p == 0) {
				long r = syscall(__NR_getppid);

				syscall(__NR_exit, r < 0 ? 64 + errno : 1);
			}
			if (p < 0) {
				reply[0] = -1;
				reply[1] = errno;
			} else {
				while (waitpid(p, &status, 0) < 0 && errno == EINTR)
					;
				reply[0] = status;
			}
		} else {
			long r = syscall(__NR_getppid);

			/* The parent's PID is not the same on every kernel: 1 = ok. */
			reply[0] = r < 0 ? -1 : 1;
			reply[1] = r < 0 ? errno : 0;
		}
		if (write(res, reply, sizeof(reply)) != sizeof(reply))
			break;
	}
	syscall(__NR_exit, 0);
}

static pid_t child;
static int attached, seized, dead;

static void reap(int status, const char *how)
{
	char buf[64];

	if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "%s: tracee killed by signal %d", how, WTERMSIG(status));
	else
		snprintf(buf, sizeof(buf), "%s: tracee exited %d", how, WEXITSTATUS(status));
	note(buf);
	dead = 1;
	attached = 0;
	seized = 0;
}

/*
 * Wait for the tracee's next state change (options as waitpid's); the
 * stops of tasks auto-attached with it (a new thread, a forked child) are
 * continued meanwhile, and their exits waited for: a thread group leader's
 * exit is not reported while a traced thread of it is an unwaited zombie.
 */
static pid_t wait_child(int *status, int options)
{
	pid_t w;

	while ((w = waitpid(-1, status, __WALL | options)) > 0) {
		if (w == child)
			return w;
		if (WIFSTOPPED(*status))
			ptrace(PTRACE_CONT, w, 0,
			       (*status >> 16) || WSTOPSIG(*status) == SIGSTOP ?
			       0 : WSTOPSIG(*status));
	}
	return w;
}

/*
 * wait_child() until a state change, or 5 s without one: the tracer
 * blocks SIGCHLD (sequence()), so a child's state change wakes
 * sigtimedwait() at once.  Returns 0 when nothing changed in 5 s.
 */
static pid_t wait_child_5s(int *status)
{
	struct timespec left = { 5, 0 };
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t w = wait_child(status, WNOHANG);

		if (w != 0)
			return w;
		if (sigtimedwait(&chld, NULL, &left) < 0 && errno == EAGAIN)
			return 0;
	}
}

/*
 * Bring an attached tracee to a ptrace stop and wait for it: a seized one
 * with PTRACE_INTERRUPT, an attached one with SIGSTOP (which cont()
 * suppresses).  Returns 0 when it is stopped, -1 when it died.
 */
static int stop_it(void)
{
	int status;
	long r;

	errno = 0;
	r = seized ? ptrace(PTRACE_INTERRUPT, child, 0, 0) : kill(child, SIGSTOP);
	if (r) {
		out("stop", r, errno);
		return -1;
	}
	/* A stop comes in milliseconds: 5 s at most, not the alarm's 30. */
	for (;;) {
		pid_t w = wait_child_5s(&status);

		if (w < 0) {
			dead = 1;
			return -1;
		}
		if (w == 0) {
			note("stop: not stopped in 5 s");
			return -1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			reap(status, "stop");
			return -1;
		}
		if (WIFSTOPPED(status))
			return 0;
	}
}

static void cont(void)
{
	ptrace(PTRACE_CONT, child, 0, 0);
}

/*
 * PTRACE_SECCOMP_GET_FILTER, and which filter came back: every filter
 * here is install_filter()'s four instructions, the third returning its
 * action for getppid(), which the sequence drew (so a wrong index shows).
 */
static void get_filter(const char *what, unsigned long idx, struct sock_filter *f)
{
	char buf[64];
	long r;

	errno = 0;
	r = ptrace(PTRACE_SECCOMP_GET_FILTER, child, idx, f);
	out(what, r, errno);
	if (r == 4) {
		snprintf(buf, sizeof(buf), "filter %lu action %#x", idx, f[2].k);
		note(buf);
	}
}

/* An option word: a random set of the known options, sometimes a bit
 * that is none (below or above bit 31), often the suspension bit. */
static unsigned long option_word(void)
{
	static const unsigned long known[] = {
		PTRACE_O_TRACESYSGOOD, PTRACE_O_TRACEFORK, PTRACE_O_TRACEVFORK,
		PTRACE_O_TRACECLONE, PTRACE_O_TRACEEXEC, PTRACE_O_TRACEVFORKDONE,
		PTRACE_O_TRACEEXIT, PTRACE_O_TRACESECCOMP, PTRACE_O_EXITKILL,
	};
	unsigned long w = 0;

	for (unsigned int i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (rnd(4) == 0)
			w |= known[i];
	if (rnd(2))
		w |= PTRACE_O_SUSPEND_SECCOMP;
	switch (rnd(8)) {
	/* bits 8..20: none but 20, PTRACE_O_EXITKILL, which is known too */
	case 0: w |= 1UL << (8 + rnd(13)); break;
	case 1: w |= 1UL << (22 + rnd(10)); break;	/* 22..31 */
	case 2: if (sizeof(long) == 8) w |= 1UL << (32 + rnd(32)); break;
	}
	return w;
}

/*
 * Send the tracee a request and follow it to its answer or death; the
 * answer goes to *reply.  Returns 0 on an answer, -1 otherwise (said in a
 * line).  Meanwhile every ptrace stop is continued: the tracee's are
 * printed; those of tasks auto-attached with it (a new thread, a forked
 * child) are not, as their order against the tracee's is not fixed.
 */
static int request(int cmd, int res, const char *what, const char *msg, size_t len,
		   long reply[2])
{
	int status;
	char buf[96];

	if (dead) {
		snprintf(buf, sizeof(buf), "%s: no tracee", what);
		note(buf);
		return -1;
	}
	if (write(cmd, msg, len) != (ssize_t)len) {
		snprintf(buf, sizeof(buf), "%s: tracee gone", what);
		note(buf);
		return -1;
	}
	for (int round = 0; round < 500; round++) {
		struct pollfd p = { .fd = res, .events = POLLIN };

		if (poll(&p, 1, 10) == 1) {
			ssize_t n = read(res, reply, 2 * sizeof(long));

			if (n == 2 * sizeof(long))
				return 0;
			/* EOF: it died. */
			if (wait_child(&status, 0) > 0 &&
			    (WIFEXITED(status) || WIFSIGNALED(status)))
				reap(status, what);
			else {
				snprintf(buf, sizeof(buf), "%s: pipe closed", what);
				note(buf);
			}
			return -1;
		}
		/* No answer yet: a ptrace stop (a signal, an event)? */
		while (wait_child(&status, WNOHANG) > 0) {
			if (WIFEXITED(status) || WIFSIGNALED(status)) {
				reap(status, what);
				return -1;
			}
			if (WIFSTOPPED(status)) {
				int sig = WSTOPSIG(status);

				if (status >> 16) {
					snprintf(buf, sizeof(buf), "%s: event stop %d", what,
						 status >> 16);
					note(buf);
					ptrace(PTRACE_CONT, child, 0, 0);
				} else {
					snprintf(buf, sizeof(buf), "%s: signal stop %d", what, sig);
					note(buf);
					ptrace(PTRACE_CONT, child, 0, sig == SIGSTOP ? 0 : sig);
				}
			}
		}
	}
	snprintf(buf, sizeof(buf), "%s: no answer in 5 s", what);
	note(buf);
	return -1;
}

/* A getppid() in the tracee. */
static void call(int cmd, int res)
{
	long reply[2];

	if (request(cmd, res, "getppid", "x", 1, reply) == 0)
		out("getppid", reply[0], (int)reply[1]);
}

/* A filter installed by a new thread of the tracee. */
static void thread_filter(int cmd, int res)
{
	unsigned int a = rnd(sizeof(actions) / sizeof(actions[0])), tsync = rnd(2);
	char msg[2] = { 't', (char)(a | (tsync ? 0x80 : 0)) }, what[64];
	long reply[2];

	snprintf(what, sizeof(what), "thread filter %s%s", actions[a].name,
		 tsync ? " tsync" : "");
	/* TSYNC fails with the ID of a thread it cannot sync: shown as 1. */
	if (request(cmd, res, what, msg, 2, reply) == 0)
		out(what, reply[0] > 0 ? 1 : reply[0], (int)reply[1]);
}

/* A fork in the tracee, whose child calls getppid(). */
static void fork_child(int cmd, int res)
{
	long reply[2];
	char buf[64];
	int st;

	if (request(cmd, res, "fork", "f", 1, reply))
		return;
	st = (int)reply[0];
	if (reply[0] < 0)
		out("fork", reply[0], (int)reply[1]);
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "fork: child killed by signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) == 1)
		snprintf(buf, sizeof(buf), "fork: child getppid ok");
	else
		snprintf(buf, sizeof(buf), "fork: child getppid %s", err(WEXITSTATUS(st) - 64));
	if (reply[0] >= 0)
		note(buf);
}

/*
 * A second tracer, forked from this one (the same credentials, user
 * namespace and filters), seizes the tracee with a random option word and
 * then exits or is killed: the suspension it may have set must end with
 * it, which a getppid() in the tracee then shows (PTRACE_O_EXITKILL kills
 * the tracee instead, which is waited for).
 */
static void second_tracer(int cmd, int res)
{
	unsigned long w = option_word();
	int killed = rnd(2), pfd[2], status;
	long r[2] = { -1, ESRCH };
	char buf[96];
	pid_t s;

	snprintf(buf, sizeof(buf), "second tracer seize %#lx", w);
	if (dead) {
		note("second tracer: no tracee");
		return;
	}
	if (pipe(pfd))
		exit(2);
	s = fork();
	if (s < 0)
		exit(2);
	if (s == 0) {
		/* Not left behind if this tracer dies (its alarm). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		errno = 0;
		r[0] = ptrace(PTRACE_SEIZE, child, 0, w);
		r[1] = errno;
		if (write(pfd[1], r, sizeof(r)) != sizeof(r))
			_exit(1);
		if (killed)
			pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], r, sizeof(r)) != sizeof(r))
		note("second tracer: no answer");
	else
		out(buf, r[0], (int)r[1]);
	close(pfd[0]);
	if (killed)
		kill(s, SIGKILL);
	waitpid(s, &status, 0);
	note(killed ? "second tracer killed" : "second tracer exited");
	if (r[0] == 0 && (w & PTRACE_O_EXITKILL)) {
		/*
		 * Its exit sent the tracee SIGKILL before it could be reaped:
		 * wait for the death, 5 s at most (it takes milliseconds; a
		 * kernel that did not kill it must not hang the run).
		 */
		pid_t p;

		while ((p = wait_child_5s(&status)) > 0) {
			if (WIFEXITED(status) || WIFSIGNALED(status)) {
				reap(status, "second tracer's exit");
				return;
			}
			if (WIFSTOPPED(status))
				ptrace(PTRACE_CONT, child, 0, 0);
		}
		note("second tracer's exit: tracee not killed in 5 s");
	} else if (r[0] == 0) {
		call(cmd, res);
	}
}

static void status_lines(void)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", child);
	f = fopen(path, "r");
	if (!f) {
		note("status: none");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char buf[300];
		int tp;

		if (!strncmp(line, "Seccomp:", 8) || !strncmp(line, "Seccomp_filters:", 16)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(buf, sizeof(buf), "status %s", line);
			note(buf);
		} else if (sscanf(line, "TracerPid: %d", &tp) == 1) {
			note(tp == 0 ? "status TracerPid: none" :
			     tp == getpid() ? "status TracerPid: me" : "status TracerPid: other");
		}
	}
	fclose(f);
}

static int capset_sys_admin(int keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(__NR_capget, &h, d))
		return -1;
	if (!keep)
		d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(__NR_capset, &h, d);
}

/*
 * The tracer traced by a tracer of its own, suspended or not (P4 and its
 * control): this process forks, the parent seizes the child with the
 * options given (it is root, with no filter: PTRACE_O_SUSPEND_SECCOMP is
 * allowed on every kernel) and forwards its signals until it ends, then
 * ends with its status; the child goes on as the tracer.
 */
static void trace_self(unsigned long options)
{
	int go[2], status;
	pid_t t;
	long r;

	if (pipe(go))
		exit(2);
	t = fork();
	if (t < 0)
		exit(2);
	if (t == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		close(go[0]);
		return;
	}
	close(go[0]);
	errno = 0;
	r = ptrace(PTRACE_SEIZE, t, 0, options | PTRACE_O_EXITKILL);
	out("tracer's tracer seize", r, errno);
	if (write(go[1], "g", 1) != 1)
		exit(2);
	close(go[1]);
	while (waitpid(t, &status, __WALL) > 0) {
		if (WIFEXITED(status))
			exit(WEXITSTATUS(status));
		if (WIFSIGNALED(status))
			exit(2);
		if (WIFSTOPPED(status))
			ptrace(PTRACE_CONT, t, 0,
			       (status >> 16) || WSTOPSIG(status) == SIGSTOP ? 0 : WSTOPSIG(status));
	}
	exit(2);
}

static void sequence(unsigned long long seed, unsigned long n)
{
	int cmd[2], res[2];
	char id[48], buf[128];
	unsigned int steps;

	rng = seed * 0x100000001b3ULL + n;
	snprintf(id, sizeof(id), "%lu", n);
	seq_id = id;
	step = 0;
	attached = 0;
	seized = 0;
	dead = 0;

	/* The tracee's state. */
	unsigned int tmode = rnd(6);	/* 0: none, 1: strict, else filters */
	unsigned int nfilters = tmode >= 2 ? 1 + rnd(3) : 0;
	unsigned int tact[3], tsync = rnd(2);

	for (unsigned int i = 0; i < nfilters; i++)
		tact[i] = rnd(sizeof(actions) / sizeof(actions[0]));
	/* The tracer's. */
	int drop_admin = rnd(4) == 0, userns = rnd(8) == 0, own_filter = rnd(5) == 0;
	/* Traced by a tracer of its own: 1 with, 2 without the suspension. */
	int own_tracer = rnd(8) == 0 ? 1 + rnd(2) : 0;

	snprintf(buf, sizeof(buf), "tracee %s, %u filters, tracer%s%s%s%s",
		 tmode == 1 ? "strict" : tmode ? "filter" : "none", nfilters,
		 drop_admin ? " -SYS_ADMIN" : "", userns ? " userns" : "",
		 own_filter ? " filtered" : "",
		 own_tracer == 1 ? " suspended" : own_tracer ? " traced" : "");
	note(buf);

	if (own_tracer)
		trace_self(own_tracer == 1 ? PTRACE_O_SUSPEND_SECCOMP : 0);

	if (pipe(cmd) || pipe(res))
		exit(2);
	child = fork();
	if (child < 0)
		exit(2);
	if (child == 0) {
		close(cmd[1]);
		close(res[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (tmode >= 2)
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		for (unsigned int i = 0; i < nfilters; i++)
			if (install(actions[tact[i]].ret, tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0) < 0)
				syscall(__NR_exit, 3);
		if (tmode == 1)
			prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT);
		/* Set up: tell the tracer (write is allowed in strict mode). */
		if (write(res[1], "r", 1) != 1)
			syscall(__NR_exit, 4);
		tracee(cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	/*
	 * SIGCHLD blocked in the tracer alone (the tracee forked above keeps
	 * its mask): a bounded wait sleeps in sigtimedwait() until a child
	 * changes state.
	 */
	{
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_BLOCK, &chld, NULL);
	}
	{
		char c;
		int status;

		if (read(res[0], &c, 1) != 1) {
			if (waitpid(child, &status, 0) > 0)
				reap(status, "setup");
		}
	}
	for (unsigned int i = 0; i < nfilters; i++) {
		snprintf(buf, sizeof(buf), "tracee filter %u: %s%s", i, actions[tact[i]].name,
			 tsync ? " tsync" : "");
		note(buf);
	}

	/* The tracer's own state, after the fork: it is not the tracee's. */
	if (userns)
		DO("tracer unshare(CLONE_NEWUSER)", unshare(CLONE_NEWUSER));
	if (drop_admin)
		DO("tracer capset -SYS_ADMIN", capset_sys_admin(0));
	if (own_filter) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		DO("tracer filter", install(SECCOMP_RET_ALLOW, 0));
	}

	steps = 1 + rnd(12);
	/* A rerun cut short: what the steps before the cut do is the same. */
	if (max_steps && steps > max_steps)
		steps = max_steps;
	for (step = 1; step <= (int)steps; step++) {
		unsigned long w;
		long r;
		/* Mostly attach first: most requests need a tracee. */
		unsigned int op = !attached && !dead && rnd(2) ? rnd(3) : rnd(13);

		switch (op) {
		case 0: case 1:
			w = option_word();
			snprintf(buf, sizeof(buf), "seize %#lx", w);
			errno = 0;
			r = ptrace(PTRACE_SEIZE, child, 0, w);
			out(buf, r, errno);
			if (r == 0)
				attached = seized = 1;
			break;
		case 2:
			errno = 0;
			r = ptrace(PTRACE_ATTACH, child, 0, 0);
			out("attach", r, errno);
			if (r == 0) {
				int status;

				attached = 1;
				seized = 0;

				if (wait_child(&status, 0) > 0) {
					if (WIFSTOPPED(status))
						cont();
					else
						reap(status, "attach");
				}
			}
			break;
		case 3: case 4:
			w = option_word();
			snprintf(buf, sizeof(buf), "setoptions %#lx", w);
			if (attached && !dead && stop_it() == 0) {
				DO(buf, ptrace(PTRACE_SETOPTIONS, child, 0, w));
				if (!dead)
					cont();
			} else if (!dead) {
				DO(buf, ptrace(PTRACE_SETOPTIONS, child, 0, w));
			}
			break;
		case 5: {
			unsigned long idx = rnd(4) == 0 ? rnd(1000) : rnd(4);
			struct sock_filter f[8];

			snprintf(buf, sizeof(buf), "get_filter %lu", idx);
			if (attached && !dead && stop_it() == 0) {
				get_filter(buf, idx, f);
				if (!dead)
					cont();
			} else if (!dead) {
				get_filter(buf, idx, f);
			}
			break;
		}
		case 6: {
			struct __ptrace_seccomp_metadata md = { .filter_off = rnd(4) };
			unsigned long size = rnd(3) ? sizeof(md) : rnd(16);

			snprintf(buf, sizeof(buf), "get_metadata %llu size %lu", (unsigned long long)md.filter_off, size);
			if (attached && !dead && stop_it() == 0) {
				errno = 0;
				r = ptrace(PTRACE_SECCOMP_GET_METADATA, child, size, &md);
				out(buf, r, errno);
				if (r > 0) {
					snprintf(buf, sizeof(buf), "metadata flags %#llx", (unsigned long long)md.flags);
					note(buf);
				}
				if (!dead)
					cont();
			} else if (!dead) {
				DO(buf, ptrace(PTRACE_SECCOMP_GET_METADATA, child, size, &md));
			}
			break;
		}
		case 7:
			if (attached && !dead && stop_it() == 0) {
				DO("detach", ptrace(PTRACE_DETACH, child, 0, 0));
				attached = seized = 0;
			} else if (!dead) {
				DO("detach", ptrace(PTRACE_DETACH, child, 0, 0));
			}
			break;
		case 8:
			call(cmd[1], res[0]);
			break;
		case 9:
			if (!dead)
				status_lines();
			break;
		case 10:
			thread_filter(cmd[1], res[0]);
			break;
		case 11:
			fork_child(cmd[1], res[0]);
			break;
		case 12:
			second_tracer(cmd[1], res[0]);
			break;
		}
	}
	/* The end: kill the tracee and reap it. */
	step = 99;
	if (!dead) {
		int status;
		pid_t w;

		kill(child, SIGKILL);
		/*
		 * A PTRACE_O_TRACEEXIT stop on the way out is continued, and
		 * so are the stops of tasks auto-attached with the tracee;
		 * their exits are waited for too (the exit of a thread group
		 * leader is not reported while a traced thread of it is a
		 * zombie).
		 */
		while ((w = wait_child(&status, 0)) > 0) {
			if (WIFEXITED(status) || WIFSIGNALED(status))
				break;
			ptrace(PTRACE_CONT, w, 0, 0);
		}
	}
	note("end");
}

/* Run sequences n = first + w, first + w + workers, ... into stdout. */
static int run_range(unsigned long long seed, unsigned long first, unsigned long count,
		     unsigned int w, unsigned int workers)
{
	int failed = 0;

	for (unsigned long n = first + w; n < first + count; n += workers) {
		int status;
		pid_t p = fork();

		if (p < 0) {
			printf("%lu.0 harness: fork failed\n", n);
			return 1;
		}
		if (p == 0) {
			alarm(30);
			sequence(seed, n);
			exit(0);
		}
		waitpid(p, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("%lu.0 harness: sequence ended with status %#x\n", n, status);
			failed = 1;
		}
	}
	return failed;
}

struct line {
	unsigned long seq;
	unsigned long order;
	char *text;
};

static int by_seq(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int main(int argc, char **argv)
{
	unsigned long long seed;
	unsigned long count, first = 0;
	long workers = sysconf(_SC_NPROCESSORS_ONLN);
	int failed = 0;
	struct line *lines = NULL;
	size_t nlines = 0, cap = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SEED COUNT [FIRST [WORKERS [STEPS]]]\n", argv[0]);
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	count = strtoul(argv[2], NULL, 0);
	if (argc > 3)
		first = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		workers = strtol(argv[4], NULL, 0);
	if (argc > 5)
		max_steps = strtoul(argv[5], NULL, 0);
	if (workers < 1)
		workers = 1;
	if (workers > 64)
		workers = 64;
	if (count < 1) {
		fprintf(stderr, "%s: COUNT must be at least 1\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * A tracee that dies while a request is on its way must not kill
	 * the tracer with SIGPIPE ("tracee gone" says it), and the deaths
	 * by SIGSYS the filters cause dump no core.
	 */
	signal(SIGPIPE, SIG_IGN);
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	printf("# seccomp_fuzz seed %llu sequences %lu..%lu\n", seed, first, first + count - 1);
	if (workers == 1) {
		failed = run_range(seed, first, count, 0, 1);
		printf("# done\n");
		return failed;
	}

	/*
	 * Several workers, one a CPU, each with its own share of the
	 * sequences and its own output file; their lines are then printed
	 * sequence by sequence, so the output does not depend on how many
	 * ran at once.
	 */
	for (long w = 0; w < workers; w++) {
		char path[64];
		pid_t p;

		snprintf(path, sizeof(path), "/tmp/seccomp_fuzz.%d.%ld", (int)getpid(), w);
		p = fork();
		if (p < 0) {
			printf("0.0 harness: worker %ld: fork failed\n", w);
			return 1;
		}
		if (p == 0) {
			if (!freopen(path, "w", stdout))
				_exit(2);
			setvbuf(stdout, NULL, _IOLBF, 0);
			_exit(run_range(seed, first, count, w, workers));
		}
	}
	for (long w = 0; w < workers; w++) {
		int status;

		wait(&status);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	}
	for (long w = 0; w < workers; w++) {
		char path[64], buf[512];
		FILE *f;

		snprintf(path, sizeof(path), "/tmp/seccomp_fuzz.%d.%ld", (int)getpid(), w);
		f = fopen(path, "r");
		if (!f) {
			printf("0.0 harness: worker %ld left no output\n", w);
			failed = 1;
			continue;
		}
		while (fgets(buf, sizeof(buf), f)) {
			if (nlines == cap) {
				cap = cap ? 2 * cap : 4096;
				lines = realloc(lines, cap * sizeof(*lines));
				if (!lines)
					return 2;
			}
			lines[nlines].seq = strtoul(buf, NULL, 10);
			lines[nlines].order = nlines;
			lines[nlines].text = strdup(buf);
			nlines++;
		}
		fclose(f);
		unlink(path);
	}
	qsort(lines, nlines, sizeof(*lines), by_seq);
	for (size_t i = 0; i < nlines; i++)
		fputs(lines[i].text, stdout);
	printf("# done\n");
	return failed;
}
