// SPDX-License-Identifier: GPL-2.0
/*
 * Stress of seccomp suspension (issue 14): many tracers against many
 * tracee threads at once, for a bounded time, then a check of what must
 * hold once every tracer is gone.
 *
 *   seccomp_stress [SECONDS [TRACERS [TRACEES [THREADS]]]]
 *
 * TRACEES processes (default 3) of THREADS threads each (default 4) run
 * under one filter that answers getppid() with EACCES.  Each thread calls
 * getppid() in a loop; some threads end and are replaced, and now and
 * then a thread installs another filter (for getpgid(), never called) with
 * TSYNC, so that every thread's filter pointer changes under the tracers.
 * A further tracee has no filter: its threads switch to strict mode and
 * die by calling getppid(), and are replaced.
 * TRACERS processes (default 4) pick random tracee threads and seize them
 * with PTRACE_O_SUSPEND_SECCOMP (or not), interrupt them, set or clear
 * the option with PTRACE_SETOPTIONS, read their filters with
 * PTRACE_SECCOMP_GET_FILTER / _GET_METADATA, continue or detach them; a
 * tracer is SIGKILLed now and then and replaced.
 * After SECONDS (default 10) the tracers are killed and reaped.  Then, for
 * every thread of every filtered tracee: TracerPid is 0 (no tracer left),
 * and getppid() gets EACCES (the filter acts again: no suspension
 * outlived its tracer).  On a kernel with kmemleak (debugfs mounted), its
 * list is cleared before and scanned after: no new suspected leak.
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
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PTRACE_O_SUSPEND_SECCOMP
#define PTRACE_O_SUSPEND_SECCOMP (1 << 21)
#endif

#define MAX_THREADS 16

/* What the tracees share with the parent: their thread IDs and counts. */
struct shared {
	atomic_int stop;		/* the parent says: stop replacing threads */
	atomic_int check;		/* the parent says: check every thread now */
	atomic_int tids[9][MAX_THREADS];	/* per tracee, per slot; 0: none */
	atomic_long calls[8];		/* getppid() calls per tracee */
	atomic_long allowed[8];		/* ... that the filter did not refuse */
	atomic_int checked[8][MAX_THREADS];	/* 1: EACCES, 2: allowed, 3: other */
	atomic_long syncs[8];		/* TSYNC filters installed */
	atomic_long strict_deaths;	/* threads of the strict tracee replaced */
};

static struct shared *sh;
static int threads = 4;

static int install(unsigned int nr, unsigned int ret, unsigned int flags)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ret),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = insns };

	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

struct slot {
	int tracee, index;
};

/* A thread of a filtered tracee: getppid() until told to check or end. */
static void *filtered_thread(void *arg)
{
	struct slot *s = arg;
	unsigned int seed = s->tracee * 131 + s->index;
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
		errno = 0;
		r = syscall(__NR_getppid);
		atomic_fetch_add(&sh->calls[s->tracee], 1);
		if (r >= 0)
			atomic_fetch_add(&sh->allowed[s->tracee], 1);
		n++;
		/* Now and then: a filter for every thread (TSYNC), or an end. */
		if (!atomic_load(&sh->stop) && n % 4096 == 0) {
			switch (rand_r(&seed) % 4) {
			case 0:
				if (install(__NR_getpgid, SECCOMP_RET_ERRNO | ENOENT,
					    SECCOMP_FILTER_FLAG_TSYNC) == 0)
					atomic_fetch_add(&sh->syncs[s->tracee], 1);
				break;
			case 1:
				atomic_store(&sh->tids[s->tracee][s->index], 0);
				return (void *)1;	/* replaced by the main thread */
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

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (install(__NR_getppid, SECCOMP_RET_ERRNO | EACCES, 0))
		_exit(3);
	for (int i = 0; i < threads; i++) {
		slots[i] = (struct slot){ t, i };
		pthread_create(&th[i], NULL, filtered_thread, &slots[i]);
	}
	for (;;) {
		for (int i = 0; i < threads; i++) {
			void *ret;

			if (atomic_load(&sh->stop) || pthread_tryjoin_np(th[i], &ret))
				continue;
			pthread_create(&th[i], NULL, filtered_thread, &slots[i]);
		}
		usleep(1000);
	}
}

/*
 * A thread of the unfiltered tracee: strict mode, then a death by
 * getppid(), which strict mode does not allow (the kernel ends the thread
 * alone).  A raw clone() on one reused stack: a pthread that the kernel
 * ends would leave its stack mapped each time.  It calls no libc function
 * that touches thread-local data.
 */
static char strict_stack[64 * 1024] __attribute__((aligned(16)));

static int strict_thread(void *arg)
{
	(void)arg;
	for (volatile int i = 0; i < 20000; i++)
		;
	syscall(__NR_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0);
	syscall(__NR_getppid);
	return 0;
}

static void strict_tracee(int t)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (!atomic_load(&sh->stop)) {
		pid_t ptid = 0;
		volatile pid_t ctid = 1;
		int tid;

		tid = clone(strict_thread, strict_stack + sizeof(strict_stack),
			    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
			    NULL, &ptid, NULL, &ctid);
		if (tid < 0)
			break;
		atomic_store(&sh->tids[t][0], tid);
		/* CLONE_CHILD_CLEARTID: 0 and a futex wake once it is gone. */
		while (ctid)
			syscall(__NR_futex, &ctid, FUTEX_WAIT, tid, NULL, NULL, 0);
		atomic_store(&sh->tids[t][0], 0);
		atomic_fetch_add(&sh->strict_deaths, 1);
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
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		/* The last tracee is the strict one, with one thread at a time. */
		int t = rnd(tracees + 1), i = t == tracees ? 0 : rnd(threads), status;
		pid_t tid = atomic_load(&sh->tids[t][i]);
		long opts = rnd(2) ? PTRACE_O_SUSPEND_SECCOMP : 0;
		struct sock_filter f[8];

		if (!tid)
			continue;
		if (ptrace(PTRACE_SEIZE, tid, 0, opts))
			continue;
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

static int kmemleak(const char *cmd)
{
	FILE *f = fopen(KMEMLEAK, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(cmd, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
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

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	int ntracers = argc > 2 ? atoi(argv[2]) : 4;
	int tracees = argc > 3 ? atoi(argv[3]) : 3;
	pid_t tracee_pid[8], strict_pid, tracer_pid[32];
	long *ops;
	int fails = 0, test = 0;
	long kills = 0;
	double start;

	if (argc > 4)
		threads = atoi(argv[4]);
	if (tracees < 1 || tracees > 8 || threads < 1 || threads > MAX_THREADS ||
	    ntracers < 1 || ntracers > 32 || seconds < 1) {
		fprintf(stderr, "usage: %s [SECONDS [TRACERS (1-32) [TRACEES (1-8) [THREADS (1-16)]]]]\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..5\n");
	printf("# %d s, %d tracers, %d filtered tracees of %d threads, one strict tracee\n",
	       seconds, ntracers, tracees, threads);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ops = mmap(NULL, 32 * 64, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || ops == MAP_FAILED)
		return 2;
	memset(sh, 0, sizeof(*sh));
	/* kmemleak: what it suspects from before the stress is not ours. */
	int have_kmemleak = kmemleak("clear") == 0;

	for (int t = 0; t < tracees; t++) {
		tracee_pid[t] = fork();
		if (tracee_pid[t] == 0)
			filtered_tracee(t);
	}
	strict_pid = fork();
	if (strict_pid == 0)
		strict_tracee(tracees);
	/* Every slot has a thread before the tracers start. */
	for (int t = 0; t < tracees; t++)
		for (int i = 0; i < threads; i++)
			while (!atomic_load(&sh->tids[t][i]))
				usleep(1000);

	start = now();
	for (int k = 0; k < ntracers; k++) {
		tracer_pid[k] = fork();
		if (tracer_pid[k] == 0)
			tracer(tracees, k, ops + 8 * k);
	}
	/* Until the time is up: kill a random tracer now and then. */
	while (now() - start < seconds) {
		int k = rand() % ntracers, status;

		usleep(200000);
		kill(tracer_pid[k], SIGKILL);
		waitpid(tracer_pid[k], &status, 0);
		kills++;
		tracer_pid[k] = fork();
		if (tracer_pid[k] == 0)
			tracer(tracees, k + 32 * (int)kills, ops + 8 * k);
	}
	for (int k = 0; k < ntracers; k++) {
		int status;

		kill(tracer_pid[k], SIGKILL);
		waitpid(tracer_pid[k], &status, 0);
	}
	atomic_store(&sh->stop, 1);
	usleep(100000);

	long total_ops = 0, calls = 0, syncs = 0;

	for (int k = 0; k < ntracers; k++)
		total_ops += ops[8 * k];
	for (int t = 0; t < tracees; t++) {
		calls += atomic_load(&sh->calls[t]);
		syncs += atomic_load(&sh->syncs[t]);
	}
	printf("# %ld tracer operations (%.0f a second), %ld tracers killed, %ld getppid() calls,"
	       " %ld TSYNC filters, %ld strict threads died\n",
	       total_ops, total_ops / (now() - start), kills, calls, syncs,
	       (long)atomic_load(&sh->strict_deaths));

	/* 1: every tracer operation kind ran (the stress did something). */
	test++;
	if (total_ops > 100 && calls > 1000) {
		printf("ok %d the tracers and tracees ran\n", test);
	} else {
		printf("not ok %d the tracers and tracees ran\n", test);
		fails++;
	}

	/* 2: no thread of any tracee is traced once every tracer is gone. */
	test++;
	int traced = 0, seen = 0;

	for (int t = 0; t < tracees; t++) {
		char path[64];
		struct dirent *d;
		DIR *dir;

		snprintf(path, sizeof(path), "/proc/%d/task", tracee_pid[t]);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((d = readdir(dir))) {
			int tid = atoi(d->d_name), tp;

			if (tid <= 0)
				continue;
			tp = tracer_pid_of(tracee_pid[t], tid);
			seen++;
			if (tp != 0) {
				printf("# tracee %d thread %d: TracerPid %d\n", t, tid, tp);
				traced++;
			}
		}
		closedir(dir);
	}
	printf("# %d of %d tracee threads traced\n", traced, seen);
	if (traced == 0 && seen >= tracees * threads) {
		printf("ok %d no tracee thread is traced after its tracers died\n", test);
	} else {
		printf("not ok %d no tracee thread is traced after its tracers died\n", test);
		fails++;
	}

	/* 3: the filters of every thread act: no suspension outlived its tracer. */
	test++;
	atomic_store(&sh->check, 1);
	usleep(300000);
	int acting = 0, wrong = 0;

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
	if (wrong == 0 && acting > 0) {
		printf("ok %d every tracee thread's filter acts again\n", test);
	} else {
		printf("not ok %d every tracee thread's filter acts again\n", test);
		fails++;
	}

	/* 4: the tracees are still alive (no tracer's operation killed them). */
	test++;
	int alive = 0;

	for (int t = 0; t < tracees; t++) {
		int status;

		if (waitpid(tracee_pid[t], &status, WNOHANG) == 0)
			alive++;
	}
	printf("# %d of %d filtered tracees alive\n", alive, tracees);
	if (alive == tracees) {
		printf("ok %d every filtered tracee is alive\n", test);
	} else {
		printf("not ok %d every filtered tracee is alive\n", test);
		fails++;
	}
	for (int t = 0; t < tracees; t++)
		kill(tracee_pid[t], SIGKILL);
	kill(strict_pid, SIGKILL);
	while (wait(NULL) > 0)
		;

	/*
	 * 5: kmemleak suspects nothing new.  An object counts only once it
	 * has been unreferenced for a while (5 s) and over two scans.
	 */
	test++;
	if (!have_kmemleak) {
		printf("ok %d kmemleak finds no new leak # SKIP no kmemleak\n", test);
	} else {
		char line[256];
		int leaks = 0, shown = 0;
		FILE *f;

		sleep(6);
		kmemleak("scan");
		sleep(1);
		kmemleak("scan");
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
		if (f && leaks == 0) {
			printf("ok %d kmemleak finds no new leak\n", test);
		} else {
			printf("not ok %d kmemleak finds no new leak\n", test);
			fails++;
		}
	}
	return fails ? 1 : 0;
}
