// SPDX-License-Identifier: GPL-2.0
/*
 * Stress of seccomp suspension (issue 14): many tracers against many
 * tracee threads at once, for a bounded time, then a check of what must
 * hold once every tracer is gone.
 *
 *   seccomp_stress [SECONDS [TRACERS [TRACEES [THREADS [scoped]]]]]
 *
 * TRACEES processes (default 3) of THREADS threads each (default 4) run
 * under one filter that answers getppid() with EACCES.  Each thread calls
 * getppid() in a loop; some threads end and are replaced, and now and
 * then a thread installs another filter (for getpgid(), never called) with
 * TSYNC, so that every thread's filter pointer changes under the tracers.
 * A further tracee has no filter to begin with: its threads switch to
 * strict mode and die by calling getppid(), and are replaced, each in a
 * new process whose main thread installs a filter with TSYNC before the
 * switch, in a race with it, or after it, in turn: either the filter
 * reaches the thread first (its switch to strict mode then fails, and it
 * calls getppid() through the filter and ends) or TSYNC is refused,
 * naming the thread that went strict.
 * TRACERS processes (default 4) pick random tracee threads and seize them
 * with PTRACE_O_SUSPEND_SECCOMP (or not), interrupt them, set or clear
 * the option with PTRACE_SETOPTIONS, read their filters with
 * PTRACE_SECCOMP_GET_FILTER / _GET_METADATA, continue or detach them; a
 * tracer is SIGKILLed now and then and replaced.
 * After SECONDS (default 10) the tracers are killed and reaped.  Then, for
 * every thread of every filtered tracee: TracerPid is 0 (no tracer left),
 * and getppid() gets EACCES (the filter acts again: no suspension
 * outlived its tracer).  On a kernel with kmemleak (debugfs mounted), it
 * is scanned and cleared before and scanned after: no new suspected leak.
 *
 * With "scoped" (rows Z2-Z5: kernel.seccomp.scoped_suspend turned on for
 * the run): the parent puts itself under a shared filter (getsid() fails
 * with EXDEV) after it forked the strict tracee, so the filtered tracees
 * and every tracer inherit it, and the tracers' suspensions are scoped
 * to it: their floor.  The strict tracee, outside that chain, is refused.
 * The filtered threads also call getsid() now and then, which the floor
 * must refuse whatever the suspensions; a sixth line checks that.  The
 * lines' names start with "switch_on_scoped" (see prefix()); on a kernel
 * without the switch every line is a SKIP.
 * Output is TAP; exit status 0 when all holds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <sched.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "one_syscall_filter.h"

#ifndef PTRACE_O_SUSPEND_SECCOMP
#define PTRACE_O_SUSPEND_SECCOMP (1 << 21)
#endif

#define MAX_TRACEES 8
#define MAX_THREADS 16
#define MAX_TRACERS 32
/* TSYNC filters per tracee at most: each getppid() runs the whole chain. */
#define MAX_SYNCS 64

/* What the tracees share with the parent: their thread IDs and counts. */
struct shared {
	atomic_int stop;		/* the parent says: stop replacing threads */
	atomic_int check;		/* the parent says: check every thread now */
	/* Per tracee (the last: the strict one), per slot; 0: none. */
	atomic_int tids[MAX_TRACEES + 1][MAX_THREADS];
	atomic_long calls[MAX_TRACEES];		/* getppid() calls per tracee */
	atomic_long allowed[MAX_TRACEES];	/* ... that the filter did not refuse */
	atomic_int checked[MAX_TRACEES][MAX_THREADS];	/* 1: EACCES, 2: allowed, 3: other */
	atomic_long syncs[MAX_TRACEES];		/* TSYNC filters installed */
	atomic_long strict_deaths;	/* threads of the strict tracee replaced */
	atomic_long strict_entered;	/* ... that switched to strict mode */
	atomic_long strict_synced;	/* its TSYNC filters installed first */
	atomic_long strict_refused;	/* ... refused for a thread in strict mode */
	atomic_long floor_calls;	/* scoped: getsid() calls the floor refused */
	atomic_long floor_escapes;	/* ... and that it did not */
};

static struct shared *sh;
static int threads = 4;
static int scoped;	/* the run is the "scoped" one */
static char old_switch[8] = "0";	/* scoped: the switch before the run */

/* Die with the parent, also when it died before the prctl(). */
static void die_with_parent(void)
{
	pid_t parent = getppid();

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

struct slot {
	int tracee, index;
};

/* A thread of a filtered tracee: getppid() until told to check or end. */
static void *filtered_thread(void *arg)
{
	struct slot *s = arg;
	unsigned int seed = s->tracee * 131 + s->index + (unsigned int)syscall(__NR_gettid);
	long n = 0;

	atomic_store(&sh->tids[s->tracee][s->index], (int)syscall(__NR_gettid));
	for (;;) {
		long r;

		if (atomic_load(&sh->check)) {
			errno = 0;
			r = syscall(__NR_getppid);
			atomic_store(&sh->checked[s->tracee][s->index],
				     r == -1 && errno == EACCES ? 1 : r >= 0 ? 2 : 3);
			while (1)
				pause();
		}
		/* Scoped: the floor (the parent's filter) refuses getsid(). */
		if (scoped && n % 64 == 0) {
			errno = 0;
			r = syscall(__NR_getsid, 0);
			atomic_fetch_add(r == -1 && errno == EXDEV ?
					 &sh->floor_calls : &sh->floor_escapes, 1);
		}
		errno = 0;
		r = syscall(__NR_getppid);
		atomic_fetch_add(&sh->calls[s->tracee], 1);
		if (r >= 0)
			atomic_fetch_add(&sh->allowed[s->tracee], 1);
		n++;
		/*
		 * Now and then: a filter for every thread (TSYNC), or an end
		 * (replaced by the main thread).  A thread ends only just after
		 * its filter refused it: one whose suspension outlived its
		 * tracer lives on until the final check finds it.
		 */
		if (!atomic_load(&sh->stop) && n % 4096 == 0) {
			switch (rand_r(&seed) % 4) {
			case 0:
				if (atomic_load(&sh->syncs[s->tracee]) < MAX_SYNCS &&
				    install_filter(__NR_getpgid, SECCOMP_RET_ERRNO | ENOENT,
					    SECCOMP_FILTER_FLAG_TSYNC) == 0)
					atomic_fetch_add(&sh->syncs[s->tracee], 1);
				break;
			case 1:
				if (r != -1 || errno != EACCES)
					break;
				atomic_store(&sh->tids[s->tracee][s->index], 0);
				return (void *)1;
			}
		}
	}
	return NULL;
}

/* A filtered tracee: its threads, replaced as they end. */
static void filtered_tracee(int t)
{
	pthread_t th[MAX_THREADS];
	struct slot slots[MAX_THREADS];

	die_with_parent();
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (install_filter(__NR_getppid, SECCOMP_RET_ERRNO | EACCES, 0))
		_exit(3);
	for (int i = 0; i < threads; i++) {
		slots[i] = (struct slot){ t, i };
		if (pthread_create(&th[i], NULL, filtered_thread, &slots[i]))
			_exit(4);
	}
	for (;;) {
		for (int i = 0; i < threads; i++) {
			void *ret;

			if (atomic_load(&sh->stop) || pthread_tryjoin_np(th[i], &ret))
				continue;
			if (pthread_create(&th[i], NULL, filtered_thread, &slots[i]))
				_exit(4);
		}
		usleep(1000);
	}
}

/*
 * A thread of the strict tracee: strict mode, then a death by getppid(),
 * which strict mode does not allow (the kernel ends the thread alone);
 * or, when its main thread's TSYNC filter came first, a refused switch
 * and a getppid() that the filter lets through.  A raw clone() on a
 * static stack: a pthread that the kernel ends would leave its stack
 * mapped each time.  It shares the main thread's thread-local data, so
 * it calls nothing of libc but syscall(), whose errno (written when the
 * switch is refused) nobody reads.
 */
static char strict_stack[64 * 1024] __attribute__((aligned(16)));
/*
 * The main thread lets the thread go; the thread's switch returned; the
 * main thread's TSYNC returned.
 */
static atomic_int strict_go, strict_tried, strict_raced;

static int strict_thread(void *arg)
{
	(void)arg;
	while (!atomic_load(&strict_go))
		;
	for (volatile int i = 0; i < 20000; i++)
		;
	if (syscall(__NR_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) == 0) {
		atomic_fetch_add(&sh->strict_entered, 1);
		atomic_store(&strict_tried, 1);
		/* Alive in strict mode until the TSYNC has met it. */
		while (!atomic_load(&strict_raced))
			;
	}
	atomic_store(&strict_tried, 1);
	syscall(__NR_getppid);
	return 0;
}

/*
 * Process K of the strict tracee: a thread that switches to strict mode,
 * and a filter for every thread (TSYNC) from the main thread: in turn,
 * before the thread may switch, in a race with its switch (a random
 * spin about as long as the thread's), or once the thread has tried its
 * switch, so that both ends of the race happen in every run, however
 * slow the kernel; then the process ends with its thread.  A filter
 * makes every later thread of the process a filtered one, which cannot
 * switch to strict mode: hence a process each.
 */
static void strict_generation(int t, unsigned long k)
{
	unsigned int seed = (unsigned int)getpid();
	volatile pid_t ctid = 1;
	int tid;
	long r;

	die_with_parent();
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	tid = clone(strict_thread, strict_stack + sizeof(strict_stack),
		    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		    CLONE_SYSVSEM | CLONE_CHILD_CLEARTID, NULL, NULL, NULL, &ctid);
	if (tid < 0)
		_exit(1);
	atomic_store(&sh->tids[t][0], tid);
	if (k % 3 == 0) {
		r = install_filter(__NR_getpgid, SECCOMP_RET_ERRNO | ENOENT,
				   SECCOMP_FILTER_FLAG_TSYNC);
		atomic_store(&strict_go, 1);
	} else {
		atomic_store(&strict_go, 1);
		if (k % 3 == 1)
			for (volatile int i = rand_r(&seed) % 40000; i > 0; i--)
				;
		else
			while (!atomic_load(&strict_tried) && ctid)
				usleep(100);
		r = install_filter(__NR_getpgid, SECCOMP_RET_ERRNO | ENOENT,
				   SECCOMP_FILTER_FLAG_TSYNC);
	}
	atomic_store(&strict_raced, 1);
	if (r == 0)
		atomic_fetch_add(&sh->strict_synced, 1);
	else if (r == tid)
		atomic_fetch_add(&sh->strict_refused, 1);
	/* CLONE_CHILD_CLEARTID: 0 and a futex wake once it is gone. */
	while (ctid)
		syscall(__NR_futex, &ctid, FUTEX_WAIT, 1, NULL, NULL, 0);
	atomic_store(&sh->tids[t][0], 0);
	atomic_fetch_add(&sh->strict_deaths, 1);
	_exit(0);
}

static void strict_tracee(int t)
{
	die_with_parent();
	for (unsigned long k = 0; !atomic_load(&sh->stop); k++) {
		pid_t g = fork();

		if (g < 0)
			break;
		if (g == 0)
			strict_generation(t, k);
		while (waitpid(g, NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (;;)
		pause();
}

static unsigned int seed;

static long rnd(long n)
{
	return rand_r(&seed) % n;
}

/* A tracer: random operations on random tracee threads, until killed. */
static void tracer(int tracees, int index, long *ops)
{
	seed = 7919 * index + (unsigned int)getpid();
	die_with_parent();
	for (;;) {
		/* The last tracee is the strict one, with one thread at a time. */
		int t = rnd(tracees + 1), i = t == tracees ? 0 : rnd(threads), status;
		pid_t tid = atomic_load(&sh->tids[t][i]);
		long opts = rnd(2) ? PTRACE_O_SUSPEND_SECCOMP : 0;
		struct sock_filter f[8];

		if (!tid || ptrace(PTRACE_SEIZE, tid, 0, opts)) {
			usleep(100);	/* leave the cores to the tracees */
			continue;
		}
		ops[0]++;
		for (int k = rnd(6); k >= 0; k--) {
			if (ptrace(PTRACE_INTERRUPT, tid, 0, 0))
				break;
			if (waitpid(tid, &status, __WALL) != tid || !WIFSTOPPED(status))
				break;
			switch (rnd(4)) {
			case 0:
			case 1:
				ptrace(PTRACE_SETOPTIONS, tid, 0,
				       rnd(2) ? PTRACE_O_SUSPEND_SECCOMP : 0);
				break;
			case 2:
				ptrace(PTRACE_SECCOMP_GET_FILTER, tid, rnd(4), f);
				break;
			case 3: {
				struct __ptrace_seccomp_metadata md = { .filter_off = rnd(3) };

				ptrace(PTRACE_SECCOMP_GET_METADATA, tid, sizeof(md), &md);
				break;
			}
			}
			ops[0]++;
			if (rnd(3) == 0) {
				ptrace(PTRACE_DETACH, tid, 0, 0);
				goto next;
			}
			ptrace(PTRACE_CONT, tid, 0, 0);
		}
		/* Leave it traced (with whatever options) for a later kill. */
		if (rnd(2))
			continue;
		if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) == 0 &&
		    waitpid(tid, &status, __WALL) == tid && WIFSTOPPED(status))
			ptrace(PTRACE_DETACH, tid, 0, 0);
next:
		ops[0]++;
	}
}

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

/* Write @text to the file @path (kmemleak's, the switch); 0 or -1. */
static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int kmemleak(const char *cmd)
{
	return write_file(KMEMLEAK, cmd);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int tracer_pid_of(pid_t pid, pid_t tid)
{
	char path[96], line[128];
	int tp = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tp) == 1)
			break;
	fclose(f);
	return tp;
}

/* Threads of the filtered tracees (their slots) that have a tracer. */
static int count_traced(int tracees, const pid_t *tracee_pid, int *seen)
{
	int traced = 0;

	*seen = 0;
	for (int t = 0; t < tracees; t++)
		for (int i = 0; i < threads; i++) {
			pid_t tid = atomic_load(&sh->tids[t][i]);
			int tp;

			if (!tid)
				continue;
			tp = tracer_pid_of(tracee_pid[t], tid);
			if (tp < 0)	/* gone meanwhile */
				continue;
			(*seen)++;
			if (tp != 0)
				traced++;
		}
	return traced;
}

static int tests_run, tests_failed;

/*
 * The prefix of test @i's name.  The scoped run's names start with
 * "switch_on_scoped" (the oracle compares them only among the kernels
 * that have the switch, and requires the Rust kernel to run them), but
 * for the kmemleak line (4), which a kernel without kmemleak skips
 * whatever its switch: "scoped", compared on every kernel.
 */
static const char *prefix(int i)
{
	if (!scoped)
		return "";
	return i == 4 ? "scoped: " : "switch_on_scoped: ";
}

/* One TAP result line; the names are the same on every kernel. */
static void result(int ok, const char *name)
{
	printf("%sok %d %s%s\n", ok ? "" : "not ", tests_run + 1, prefix(tests_run), name);
	tests_run++;
	if (!ok)
		tests_failed++;
}

#define SCOPED_SWITCH "/proc/sys/kernel/seccomp/scoped_suspend"

static const char *const names[] = {
	"the tracers and tracees ran",
	"no tracee thread is traced after its tracers died",
	"every tracee thread's filter acts again",
	"every filtered tracee is alive",
	"kmemleak finds no new leak",
	"the floor refused every getsid() of the filtered threads",
};

static pid_t fork_or_bail(void)
{
	pid_t p = fork();

	if (p < 0) {
		printf("Bail out! fork: %s\n", strerror(errno));
		kill(0, SIGKILL);
	}
	return p;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	int ntracers = argc > 2 ? atoi(argv[2]) : 4;
	int tracees = argc > 3 ? atoi(argv[3]) : 3;
	pid_t tracee_pid[MAX_TRACEES], strict_pid, tracer_pid[MAX_TRACERS];
	long *ops, kills = 0, total_ops = 0, calls = 0, allowed = 0, syncs = 0;
	int have_kmemleak, traced_before, seen, traced;
	int acting, wrong, alive, status;
	double start;

	if (argc > 4)
		threads = atoi(argv[4]);
	if (argc > 5)
		scoped = !strcmp(argv[5], "scoped");
	if ((argc > 5 && !scoped) || argc > 6 || tracees < 1 || tracees > MAX_TRACEES || threads < 1 || threads > MAX_THREADS ||
	    ntracers < 1 || ntracers > MAX_TRACERS || seconds < 1) {
		fprintf(stderr, "usage: %s [SECONDS [TRACERS (1-%d) [TRACEES (1-%d) [THREADS (1-%d) [scoped]]]]]\n",
			argv[0], MAX_TRACERS, MAX_TRACEES, MAX_THREADS);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ops = mmap(NULL, MAX_TRACERS * sizeof(long), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || ops == MAP_FAILED)
		return 2;
	memset(sh, 0, sizeof(*sh));
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The filtered tracees' deaths by signal dump no core. */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	printf("TAP version 13\n1..%d\n", scoped ? 6 : 5);
	if (scoped && access(SCOPED_SWITCH, F_OK)) {
		for (int i = 0; i < 6; i++)
			printf("ok %d %s%s # SKIP no %s\n", i + 1, prefix(i), names[i],
			       SCOPED_SWITCH);
		return 0;
	}
	if (scoped) {
		FILE *f = fopen(SCOPED_SWITCH, "r");

		if (!f || !fgets(old_switch, sizeof(old_switch), f))
			strcpy(old_switch, "0");
		if (f)
			fclose(f);
	}
	if (scoped && write_file(SCOPED_SWITCH, "1")) {
		printf("Bail out! cannot turn %s on\n", SCOPED_SWITCH);
		return 1;
	}
	printf("# %d s, %d tracers, %d filtered tracees of %d threads, one strict tracee\n",
	       seconds, ntracers, tracees, threads);
	/*
	 * kmemleak: what it suspects from before the stress (the suites
	 * before this one included) is not ours.  An object is reported only
	 * once it has been unreferenced for 5 s: wait, scan, then clear.
	 */
	have_kmemleak = access(KMEMLEAK, W_OK) == 0;
	if (have_kmemleak) {
		sleep(6);
		if (kmemleak("scan") || kmemleak("clear")) {
			printf("Bail out! %s: scan or clear failed\n", KMEMLEAK);
			return 1;
		}
	}

	strict_pid = fork_or_bail();
	if (strict_pid == 0)
		strict_tracee(tracees);
	/* Scoped: the shared filter, for everything forked from here on. */
	if (scoped && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		       install_filter(__NR_getsid, SECCOMP_RET_ERRNO | EXDEV, 0))) {
		printf("Bail out! the shared filter: %s\n", strerror(errno));
		kill(0, SIGKILL);
	}
	for (int t = 0; t < tracees; t++) {
		tracee_pid[t] = fork_or_bail();
		if (tracee_pid[t] == 0)
			filtered_tracee(t);
	}
	/* Every slot has a thread before the tracers start: 10 s at most. */
	for (int t = 0; t < tracees; t++)
		for (int i = 0; i < threads; i++)
			for (int ms = 0; !atomic_load(&sh->tids[t][i]); ms++) {
				if (ms == 10000 || waitpid(tracee_pid[t], &status, WNOHANG)) {
					printf("Bail out! tracee %d did not start its threads\n", t);
					kill(0, SIGKILL);
				}
				usleep(1000);
			}

	start = now();
	for (int k = 0; k < ntracers; k++) {
		tracer_pid[k] = fork_or_bail();
		if (tracer_pid[k] == 0)
			tracer(tracees, k, ops + k);
	}
	/* Until the time is up: kill a random tracer now and then. */
	while (now() - start < seconds) {
		int k = rand() % ntracers;

		usleep(200000);
		kill(tracer_pid[k], SIGKILL);
		waitpid(tracer_pid[k], &status, 0);
		kills++;
		tracer_pid[k] = fork_or_bail();
		if (tracer_pid[k] == 0)
			tracer(tracees, k + MAX_TRACERS * (int)kills, ops + k);
	}
	/*
	 * No thread ends or is replaced from here on, so every thread a
	 * tracer holds now is still there for the checks after its death.
	 */
	atomic_store(&sh->stop, 1);
	usleep(100000);
	traced_before = count_traced(tracees, tracee_pid, &seen);
	for (int k = 0; k < ntracers; k++) {
		kill(tracer_pid[k], SIGKILL);
		waitpid(tracer_pid[k], &status, 0);
	}

	for (int k = 0; k < ntracers; k++)
		total_ops += ops[k];
	for (int t = 0; t < tracees; t++) {
		calls += atomic_load(&sh->calls[t]);
		allowed += atomic_load(&sh->allowed[t]);
		syncs += atomic_load(&sh->syncs[t]);
	}
	printf("# %ld tracer operations (%.0f a second), %ld tracers killed, %ld getppid() calls"
	       " (%ld let through by a suspension), %ld TSYNC filters, %ld strict threads died;"
	       " %d of %d threads traced when the last tracers were killed\n",
	       total_ops, total_ops / (now() - start), kills, calls, allowed, syncs,
	       (long)atomic_load(&sh->strict_deaths), traced_before, seen);
	printf("# the strict tracee: %ld threads switched to strict mode, %ld TSYNC filters"
	       " reached a thread first, %ld TSYNC refused for a thread in strict mode\n",
	       (long)atomic_load(&sh->strict_entered), (long)atomic_load(&sh->strict_synced),
	       (long)atomic_load(&sh->strict_refused));
	if (scoped)
		printf("# scoped: the floor refused %ld getsid() calls and let %ld through\n",
		       (long)atomic_load(&sh->floor_calls), (long)atomic_load(&sh->floor_escapes));

	/*
	 * 1: the stress did what it is for: the tracers worked, suspensions
	 * took effect, threads synced filters and died in strict mode, the
	 * strict tracee's TSYNC won its race at least once and lost it at
	 * least once, and threads were traced when the tracers died.
	 */
	result(total_ops > 100 && calls > 1000 && allowed > 0 && syncs > 0 &&
	       atomic_load(&sh->strict_deaths) > 0 && atomic_load(&sh->strict_entered) > 0 &&
	       atomic_load(&sh->strict_synced) > 0 && atomic_load(&sh->strict_refused) > 0 &&
	       traced_before > 0,
	       names[0]);

	/* 2: no thread of any tracee is traced once every tracer is gone. */
	traced = count_traced(tracees, tracee_pid, &seen);
	printf("# %d of %d tracee threads traced\n", traced, seen);
	result(traced == 0 && seen > 0, names[1]);

	/*
	 * 3: the filters of every thread act: no suspension outlived its
	 * tracer.  Each thread answers once; 10 s at most for all of them.
	 */
	atomic_store(&sh->check, 1);
	for (int ms = 0; ms < 10000; ms += 10) {
		int waiting = 0;

		for (int t = 0; t < tracees; t++)
			for (int i = 0; i < threads; i++)
				if (atomic_load(&sh->tids[t][i]) && !atomic_load(&sh->checked[t][i]))
					waiting++;
		if (!waiting)
			break;
		usleep(10000);
	}
	acting = 0;
	wrong = 0;
	for (int t = 0; t < tracees; t++)
		for (int i = 0; i < threads; i++) {
			int c = atomic_load(&sh->checked[t][i]);

			if (c == 1) {
				acting++;
			} else if (atomic_load(&sh->tids[t][i])) {
				printf("# tracee %d slot %d: %s\n", t, i,
				       c == 2 ? "getppid() allowed: still suspended" :
				       c == 3 ? "getppid() failed otherwise" : "no answer");
				wrong++;
			}
		}
	printf("# %d threads refused by their filter, %d not\n", acting, wrong);
	result(wrong == 0 && acting > 0, names[2]);

	/* 4: the tracees are still alive (no tracer's operation killed them). */
	alive = 0;
	for (int t = 0; t < tracees; t++)
		if (waitpid(tracee_pid[t], &status, WNOHANG) == 0)
			alive++;
	printf("# %d of %d filtered tracees alive\n", alive, tracees);
	result(alive == tracees, names[3]);
	for (int t = 0; t < tracees; t++)
		kill(tracee_pid[t], SIGKILL);
	kill(strict_pid, SIGKILL);
	while (wait(NULL) > 0)
		;

	/*
	 * 5: kmemleak suspects nothing new.  An object counts only once it
	 * has been unreferenced for a while (5 s) and over two scans.
	 */
	if (!have_kmemleak) {
		printf("ok %d %s%s # SKIP no kmemleak\n", tests_run + 1, prefix(tests_run),
		       names[4]);
		tests_run++;
	} else {
		char line[256];
		int leaks = 0, shown = 0, scanned;
		FILE *f;

		sleep(6);
		scanned = kmemleak("scan") == 0;
		sleep(1);
		scanned = scanned && kmemleak("scan") == 0;
		f = fopen(KMEMLEAK, "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "unreferenced object", 19))
				leaks++;
			if (shown++ < 60)
				printf("# %s", line);
		}
		if (f)
			fclose(f);
		printf("# kmemleak: %d new suspected leaks\n", leaks);
		result(f && scanned && leaks == 0, names[4]);
	}
	/* 6, scoped: the floor kept checking the suspended threads. */
	if (scoped) {
		result(atomic_load(&sh->floor_calls) > 0 && atomic_load(&sh->floor_escapes) == 0,
		       names[5]);
		if (write_file(SCOPED_SWITCH, old_switch))
			printf("# could not turn %s off again\n", SCOPED_SWITCH);
	}
	return tests_failed ? 1 : 0;
}
