// SPDX-License-Identifier: GPL-2.0
/*
 * CRIU end to end: Debian's criu dumps and restores processes
 * confined by seccomp, which only works because the kernel lets criu
 * suspend the filters of the tasks it traces (PTRACE_O_SUSPEND_SECCOMP).
 *
 * Each variant starts a target (this program, run as "--target NAME DIR")
 * in its own session, lets it count, dumps it with criu, restores it as
 * our child and checks:
 *  - criu dump and criu restore both succeed;
 *  - /proc/PID/task/TID/status shows the same Seccomp: and
 *    Seccomp_filters: values before the dump and after the restore, for
 *    every thread, and nobody traces the restored threads;
 *  - every thread's counter goes on from the last value it wrote before
 *    the dump (the first record after the restore is that value plus one);
 *  - the filters still act: the getppid() errno each thread records is the
 *    one its filters return, and SIGUSR1, whose handler makes a call the
 *    filters forbid, kills the restored process by the same signal as it
 *    kills a twin that was never dumped.
 * A criu that is itself under a seccomp filter must fail to dump and leave
 * the target running, untraced and still confined (refused_under_filter).
 *
 * Scoped suspension (SPEC Z7): in the shared_* variants the test process
 * first puts itself under a "shared" filter, as a container's init would,
 * so that criu and the target both run under it and the target adds its
 * own filter on top.  With kernel.seccomp.scoped_suspend on, criu dumps
 * and restores the target: criu reads and installs again only the
 * target's own filter, the restored process inherits the shared one from
 * criu, and both act afterwards.  With the switch off, the same dump is
 * refused as for any criu under seccomp.  The switch exists only with the
 * Rust policy; shared_switch_on is skipped elsewhere.
 *
 * The target writes fixed-size records "TID COUNT ERRNO\n" with write(2)
 * to one O_APPEND file per thread; in strict mode that is all it may do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "kselftest_harness.h"

#define CRIU		"/usr/sbin/criu"
#define MAX_THREADS	3
#define REC_LEN		26	/* "%07d %012llu %04d\n" */
#define CRIU_TIMEOUT	30	/* seconds, for one criu run */
/*
 * What compel logs when PTRACE_O_SUSPEND_SECCOMP is refused with EPERM
 * (criu 4.1.1: compel/src/lib/ptrace.c; 3.17.1 said the same).
 */
#define REFUSED		"suspending seccomp failed: Operation not permitted"

struct thread_spec {
	int filters;		/* Seccomp_filters: */
	int err;		/* what getppid() fails with, 0: not probed */
};

struct scenario {
	const char *name;
	const char *what;
	int threads;
	int mode;		/* Seccomp: */
	struct thread_spec t[MAX_THREADS];
	int death;		/* the signal SIGUSR1's forbidden call dies by */
	int shared;		/* runs under the shared filter too */
};

/*
 * The shared filter refuses getpgid() of this (nonexistent) process with
 * EXDEV, which neither criu nor the target's own code ever asks.  A
 * counting thread of the shared scenario records SHARED_MISSING instead
 * of its getppid() errno if the call was not refused so.
 */
#define SHARED_PGID	0x7ffffff0
#define SHARED_MISSING	9999

static const struct scenario strict = {
	.name = "strict",
	.what = "strict mode (read, write, exit, sigreturn only)",
	.threads = 1, .mode = SECCOMP_MODE_STRICT,
	.t = { { 0, 0 } },
	.death = SIGKILL,
};

static const struct scenario chain = {
	.name = "chain",
	.what = "2 filters: an allow-list that kills any other call (mmap, munmap, prctl... which criu's parasite and restorer make), and ERRNO(EACCES) on getppid",
	.threads = 1, .mode = SECCOMP_MODE_FILTER,
	.t = { { 2, EACCES } },
	.death = SIGSYS,
};

static const struct scenario threads = {
	.name = "threads",
	.what = "3 threads, each with its own filters: ERRNO(EACCES) + KILL on uname; two filters ending in ERRNO(ENOENT); ERRNO(ESRCH)",
	.threads = 3, .mode = SECCOMP_MODE_FILTER,
	.t = { { 1, EACCES }, { 2, ENOENT }, { 1, ESRCH } },
	.death = SIGSYS,
};

static const struct scenario tsync = {
	.name = "tsync",
	.what = "2 threads sharing one filter installed with SECCOMP_FILTER_FLAG_TSYNC: ERRNO(EXDEV) on getppid, KILL on uname",
	.threads = 2, .mode = SECCOMP_MODE_FILTER,
	.t = { { 1, EXDEV }, { 1, EXDEV } },
	.death = SIGSYS,
};

static const struct scenario shared = {
	.name = "shared",
	.what = "under the shared filter that criu runs under too (ERRNO(EXDEV) on one getpgid()), plus its own: ERRNO(EACCES) on getppid, KILL on uname",
	.threads = 1, .mode = SECCOMP_MODE_FILTER,
	.t = { { 2, EACCES } },
	.death = SIGSYS,
	.shared = 1,
};

static const struct scenario *const scenarios[] = {
	&strict, &chain, &threads, &tsync, &shared,
};

/* The target. */

struct worker {
	const struct scenario *sc;
	int index;
	int fd;
	pid_t tid;
	unsigned long long count;
};

static pthread_barrier_t created, filtered;

#define LD_NR	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr))
#define LD_ARCH	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch))
#define RET(v)	BPF_STMT(BPF_RET | BPF_K, (v))

static int install(struct sock_filter *insns, unsigned short len, unsigned int flags)
{
	struct sock_fprog prog = { .len = len, .filter = insns };

	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* getppid() -> ERRNO(err); uname() -> KILL_PROCESS if kill; else allow. */
static int install_errno(int err, int kill, unsigned int flags)
{
	struct sock_filter f[] = {
		LD_ARCH,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		RET(SECCOMP_RET_ERRNO | err),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_uname, 0, 1),
		RET(kill ? SECCOMP_RET_KILL_PROCESS : SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_ALLOW),
	};

	return install(f, sizeof(f) / sizeof(f[0]), flags);
}

/* The shared filter: getpgid(SHARED_PGID) -> ERRNO(EXDEV); else allow. */
static int install_shared(void)
{
	struct sock_filter f[] = {
		LD_NR,
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getpgid, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SHARED_PGID, 0, 1),
		RET(SECCOMP_RET_ERRNO | EXDEV),
		RET(SECCOMP_RET_ALLOW),
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return install(f, sizeof(f) / sizeof(f[0]), 0);
}

/* Only what the counting loop needs; anything else kills the process. */
static int install_allow_list(void)
{
	static const int allowed[] = {
		__NR_write, __NR_clock_nanosleep, __NR_nanosleep, __NR_getppid,
		__NR_rt_sigreturn, __NR_restart_syscall, __NR_exit, __NR_exit_group,
	};
	struct sock_filter f[4 + 2 * 8 + 1];
	unsigned short n = 0;
	size_t i;

	f[n++] = (struct sock_filter)LD_ARCH;
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)LD_NR;
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, allowed[i], 0, 1);
		f[n++] = (struct sock_filter)RET(SECCOMP_RET_ALLOW);
	}
	f[n++] = (struct sock_filter)RET(SECCOMP_RET_KILL_PROCESS);
	return install(f, n, 0);
}

static void put_num(char *p, int width, unsigned long long v)
{
	while (width--) {
		p[width] = '0' + v % 10;
		v /= 10;
	}
}

static void on_usr1(int sig)
{
	/* Forbidden by every scenario: the process must die here. */
	syscall(__NR_uname, NULL);
	syscall(__NR_exit_group, 99);
}

/* Runs under the thread's seccomp: system calls only from the lists above. */
static void count_forever(struct worker *w)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	char rec[REC_LEN];
	long r;

	memset(rec, ' ', sizeof(rec));
	rec[REC_LEN - 1] = '\n';
	put_num(rec, 7, w->tid);
	for (;;) {
		int err = 0;

		w->count++;
		if (w->sc->t[w->index].err) {
			r = syscall(__NR_getppid);
			err = r < 0 ? errno : 0;
		}
		if (w->sc->shared && (syscall(__NR_getpgid, SHARED_PGID) != -1 || errno != EXDEV))
			err = SHARED_MISSING;
		put_num(rec + 8, 12, w->count);
		put_num(rec + 21, 4, err);
		if (write(w->fd, rec, REC_LEN) != REC_LEN)
			syscall(__NR_exit_group, 98);
		if (w->sc->mode == SECCOMP_MODE_STRICT) {
			for (volatile unsigned long spin = 0; spin < 4000000; spin++)
				;
		} else {
			syscall(__NR_clock_nanosleep, CLOCK_MONOTONIC, 0, &tick, NULL);
		}
	}
}

static int thread_filters(const struct scenario *sc, int index)
{
	if (sc == &threads) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			return -1;
		switch (index) {
		case 0:
			return install_errno(EACCES, 1, 0);
		case 1:
			return install_errno(EPERM, 0, 0) ?: install_errno(ENOENT, 0, 0);
		default:
			return install_errno(ESRCH, 0, 0);
		}
	}
	if (sc == &tsync && index == 0)
		return install_errno(EXDEV, 1, SECCOMP_FILTER_FLAG_TSYNC);
	if (sc == &shared)
		return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || install_errno(EACCES, 1, 0);
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	sigset_t usr1;

	w->tid = gettid();
	if (w->index) {
		/* SIGUSR1 is for the main thread. */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	}
	pthread_barrier_wait(&created);
	if (thread_filters(w->sc, w->index))
		_exit(97);
	pthread_barrier_wait(&filtered);
	count_forever(w);
	return NULL;
}

static int run_target(const char *name, const char *dir)
{
	const struct rlimit nocore = { 0, 0 };
	struct worker w[MAX_THREADS] = { 0 };
	const struct scenario *sc = NULL;
	pthread_t t;
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (!strcmp(name, scenarios[i]->name))
			sc = scenarios[i];
	if (!sc)
		return 2;
	setrlimit(RLIMIT_CORE, &nocore);
	signal(SIGUSR1, on_usr1);
	pthread_barrier_init(&created, NULL, sc->threads);
	pthread_barrier_init(&filtered, NULL, sc->threads);
	for (i = 0; i < (size_t)sc->threads; i++) {
		snprintf(path, sizeof(path), "%s/count.%zu", dir, i);
		w[i].sc = sc;
		w[i].index = i;
		w[i].fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		if (w[i].fd < 0)
			return 3;
		if (i && pthread_create(&t, NULL, worker_main, &w[i]))
			return 4;
	}
	if (sc == &strict) {
		w[0].tid = gettid();
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
			return 5;
		count_forever(&w[0]);
	}
	if (sc == &chain) {
		w[0].tid = gettid();
		/* The allow-list last: it forbids seccomp() itself. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || install_errno(EACCES, 0, 0) ||
		    install_allow_list())
			return 6;
		count_forever(&w[0]);
	}
	worker_main(&w[0]);
	return 7;
}

/* The tests. */

struct record {
	int tid;
	unsigned long long count;
	int err;
	long n;			/* how many records the file holds */
};

static int read_last(const char *dir, int index, struct record *r)
{
	char path[256], rec[REC_LEN + 1] = { 0 };
	struct stat st;
	int fd, ok;

	snprintf(path, sizeof(path), "%s/count.%d", dir, index);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ok = !fstat(fd, &st) && st.st_size >= REC_LEN && st.st_size % REC_LEN == 0 &&
	     pread(fd, rec, REC_LEN, st.st_size - REC_LEN) == REC_LEN &&
	     sscanf(rec, "%d %llu %d", &r->tid, &r->count, &r->err) == 3;
	r->n = ok ? st.st_size / REC_LEN : 0;
	close(fd);
	return ok ? 0 : -1;
}

/* Wait until every thread has written at least @more records past @since. */
static int wait_records(const char *dir, int threads, long *since, int more,
			struct record *last)
{
	for (int tries = 0; tries < 1000; tries++) {
		int done = 0;

		for (int i = 0; i < threads; i++)
			if (!read_last(dir, i, &last[i]) && last[i].n >= since[i] + more)
				done++;
		if (done == threads)
			return 0;
		usleep(20000);
	}
	return -1;
}

struct tstatus {
	int seccomp, filters, tracer;
	char state;
};

static int read_status(pid_t pid, pid_t tid, struct tstatus *s)
{
	char path[64], line[256];
	FILE *f;
	int got = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "Seccomp: %d", &s->seccomp);
		got += sscanf(line, "Seccomp_filters: %d", &s->filters);
		got += sscanf(line, "TracerPid: %d", &s->tracer);
		got += sscanf(line, "State: %c", &s->state);
	}
	fclose(f);
	return got == 4 ? 0 : -1;
}

/* Wait for @pid for at most @secs seconds; kill it after that. */
static int wait_bounded(pid_t pid, int secs, int *status)
{
	for (int i = 0; i < secs * 50; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0)
			return -1;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return -1;
}

static pid_t start_target(const char *name, const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
		execl("/proc/self/exe", "criu_seccomp", "--target", name, dir, NULL);
		_exit(127);
	}
	return pid;
}

/* Run criu with @args, its output to @log; under an allow-all filter if asked. */
static int run_criu(const char *log, int filtered, char *const args[], double *secs)
{
	struct sock_filter allow[] = { RET(SECCOMP_RET_ALLOW) };
	struct timespec t0, t1;
	int status;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		if (filtered && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || install(allow, 1, 0)))
			_exit(126);
		execv(CRIU, args);
		_exit(127);
	}
	if (pid < 0 || wait_bounded(pid, CRIU_TIMEOUT, &status))
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Show the last lines of a criu log as TAP comments. */
static void show_tail(const char *path, int lines)
{
	char buf[256][200];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("# (no %s)\n", path);
		return;
	}
	while (fgets(buf[n % 256], sizeof(buf[0]), f))
		n++;
	fclose(f);
	for (int i = n > lines ? n - lines : 0; i < n; i++)
		printf("#   %s", buf[i % 256]);
}

/*
 * Show the errors criu logged as TAP comments; return whether one of them
 * contains @needle.
 */
static int show_errors(const char *path, const char *needle)
{
	char line[300];
	int found = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "Error"))
			continue;
		printf("#   %s", line);
		found |= !!strstr(line, needle);
	}
	fclose(f);
	return found;
}

static const char *errname(int err)
{
	if (err == SHARED_MISSING)
		return "(the shared filter did not act)";
	return err ? strerrorname_np(err) : "allowed";
}

#define SCOPED_SWITCH "/proc/sys/kernel/seccomp/scoped_suspend"

/* The switch: 0 or 1, or -1 when the kernel has none. */
static int read_switch(void)
{
	char c = 0;
	int fd = open(SCOPED_SWITCH, O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}

static int write_switch(int on)
{
	int fd = open(SCOPED_SWITCH, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

FIXTURE(criu) {
	char dir[128], img[160];
	pid_t pid;
	pid_t tids[MAX_THREADS];
	struct tstatus before[MAX_THREADS];
	struct record last[MAX_THREADS];
	int was;		/* the switch before the test, -1: none */
};

FIXTURE_VARIANT(criu) {
	const struct scenario *sc;
	int scoped;		/* the switch for the test, -1: left alone */
};

FIXTURE_VARIANT_ADD(criu, strict) { .sc = &strict, .scoped = -1 };
FIXTURE_VARIANT_ADD(criu, chain) { .sc = &chain, .scoped = -1 };
FIXTURE_VARIANT_ADD(criu, threads) { .sc = &threads, .scoped = -1 };
FIXTURE_VARIANT_ADD(criu, tsync) { .sc = &tsync, .scoped = -1 };
FIXTURE_VARIANT_ADD(criu, shared_switch_on) { .sc = &shared, .scoped = 1 };
FIXTURE_VARIANT_ADD(criu, shared_switch_off) { .sc = &shared, .scoped = 0 };

/* Start the target, wait until it counts, and check it is confined as planned. */
FIXTURE_SETUP(criu)
{
	const struct scenario *sc = variant->sc;
	long zero[MAX_THREADS] = { 0 };

	self->was = read_switch();
	if (variant->scoped == 1 && self->was < 0)
		SKIP(return, "no %s: scoped suspension needs CONFIG_SECCOMP_SUSPEND_SCOPED (the Rust policy)",
		     SCOPED_SWITCH);
	/* The shared filter: criu, the target and its twin inherit it. */
	if (sc->shared)
		ASSERT_EQ(0, install_shared());
	ASSERT_EQ(0, access(CRIU, X_OK)) TH_LOG("%s is not in the guest", CRIU);
	snprintf(self->dir, sizeof(self->dir), "/tmp/criu-%s-%d", sc->name, getpid());
	snprintf(self->img, sizeof(self->img), "%s/img", self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, mkdir(self->img, 0755));
	self->pid = start_target(sc->name, self->dir);
	ASSERT_LT(0, self->pid);
	ASSERT_EQ(0, wait_records(self->dir, sc->threads, zero, 3, self->last))
		TH_LOG("the %s target did not start counting", sc->name);
	printf("# %s: pid %d, %s\n", sc->name, self->pid, sc->what);
	for (int i = 0; i < sc->threads; i++) {
		struct tstatus *s = &self->before[i];

		self->tids[i] = self->last[i].tid;
		ASSERT_EQ(0, read_status(self->pid, self->tids[i], s));
		EXPECT_EQ(sc->mode, s->seccomp);
		EXPECT_EQ(sc->t[i].filters, s->filters);
		EXPECT_EQ(sc->t[i].err, self->last[i].err);
		printf("# %s: before: thread %d Seccomp: %d Seccomp_filters: %d, getppid() %s, count %llu\n",
		       sc->name, self->tids[i], s->seccomp, s->filters,
		       errname(self->last[i].err), self->last[i].count);
	}
	/*
	 * The switch last: the teardown that puts it back runs only after a
	 * setup that got through (the guest also resets it after each suite).
	 */
	if (variant->scoped >= 0 && self->was >= 0)
		ASSERT_EQ(0, write_switch(variant->scoped));
}

FIXTURE_TEARDOWN(criu)
{
	char cmd[200];

	if (self->pid > 0 && !kill(self->pid, SIGKILL))
		waitpid(self->pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (self->dir[0] && system(cmd))
		printf("# could not remove %s\n", self->dir);
	if (variant->scoped >= 0 && self->was >= 0)
		write_switch(self->was);
}

/* SIGUSR1 makes a forbidden call: return the signal @pid, our child, dies by. */
static int forbidden_call_kills(pid_t pid)
{
	int status;

	if (kill(pid, SIGUSR1) || wait_bounded(pid, 10, &status))
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 1000 + WEXITSTATUS(status);
}

/*
 * Runs criu dump, under an allow-all filter of its own if @filtered, and
 * expects it refused: criu exits with an error after compel's EPERM, and
 * the target is left as it was: running, untraced, confined as before,
 * still counting.
 */
static void expect_refused(struct __test_metadata *_metadata,
			   FIXTURE_DATA(criu) *self, const struct scenario *sc,
			   int filtered, const char *why)
{
	struct record now[MAX_THREADS];
	long since[MAX_THREADS];
	char log[200], pidstr[16];
	double secs;
	int status;

	snprintf(pidstr, sizeof(pidstr), "%d", self->pid);
	snprintf(log, sizeof(log), "%s/dump.out", self->dir);
	status = run_criu(log, filtered, (char *[]){ "criu", "dump", "-t", pidstr, "-D", self->img,
				 "-o", "dump.log", "-v4", NULL }, &secs);
	ASSERT_NE(-1, status) TH_LOG("criu did not finish");
	EXPECT_NE(0, status) TH_LOG("criu %s dumped a confined process", why);
	snprintf(log, sizeof(log), "%s/dump.log", self->img);
	printf("# %s: criu dump %s: exit %d; its errors:\n", sc->name, why, status);
	EXPECT_EQ(1, show_errors(log, REFUSED))
		TH_LOG("no \"%s\" in %s", REFUSED, log);

	ASSERT_EQ(0, waitpid(self->pid, &status, WNOHANG)) TH_LOG("the target died");
	/*
	 * Still counting: two more records than it had when criu returned.
	 * (Records written while criu ran would not show a target that
	 * criu left stopped.)
	 */
	for (int i = 0; i < sc->threads; i++) {
		ASSERT_EQ(0, read_last(self->dir, i, &now[i]))
			TH_LOG("no record of thread %d after criu returned", i);
		since[i] = now[i].n;
	}
	ASSERT_EQ(0, wait_records(self->dir, sc->threads, since, 2, now))
		TH_LOG("the target stopped counting after criu returned");
	for (int i = 0; i < sc->threads; i++) {
		struct tstatus after;

		ASSERT_EQ(0, read_status(self->pid, self->tids[i], &after));
		EXPECT_EQ(self->before[i].seccomp, after.seccomp);
		EXPECT_EQ(self->before[i].filters, after.filters);
		EXPECT_EQ(0, after.tracer);
		EXPECT_NE('t', after.state);
		EXPECT_NE('T', after.state);
		EXPECT_EQ(sc->t[i].err, now[i].err);
		printf("# %s: untouched: thread %d Seccomp: %d Seccomp_filters: %d, TracerPid: %d, State: %c, count %llu -> %llu\n",
		       sc->name, self->tids[i], after.seccomp, after.filters, after.tracer,
		       after.state, self->last[i].count, now[i].count);
	}
	EXPECT_EQ(sc->death, forbidden_call_kills(self->pid));
	self->pid = 0;
}

TEST_F_TIMEOUT(criu, dump_restore, 90)
{
	const struct scenario *sc = variant->sc;
	char log[200], pidstr[16];
	struct record dumped[MAX_THREADS], now[MAX_THREADS];
	long since[MAX_THREADS];
	int status, twin_death;
	double secs;
	pid_t twin;

	/* Z7: with the switch off, criu under the shared filter is refused. */
	if (variant->scoped == 0) {
		expect_refused(_metadata, self, sc, 0, "under the shared filter, switch off");
		return;
	}

	/* What the forbidden call does to a process that is never dumped. */
	twin = start_target(sc->name, self->img);
	ASSERT_LT(0, twin);
	ASSERT_EQ(0, wait_records(self->img, sc->threads, (long[MAX_THREADS]){ 0 }, 1, now));
	twin_death = forbidden_call_kills(twin);
	EXPECT_EQ(sc->death, twin_death);
	for (int i = 0; i < sc->threads; i++) {
		char path[200];

		snprintf(path, sizeof(path), "%s/count.%d", self->img, i);
		unlink(path);
	}

	snprintf(pidstr, sizeof(pidstr), "%d", self->pid);
	snprintf(log, sizeof(log), "%s/dump.out", self->dir);
	status = run_criu(log, 0, (char *[]){ "criu", "dump", "-t", pidstr, "-D", self->img,
				 "-o", "dump.log", "-v4", NULL }, &secs);
	if (status) {
		show_tail(log, 5);
		snprintf(log, sizeof(log), "%s/dump.log", self->img);
		show_tail(log, 25);
	}
	ASSERT_EQ(0, status) TH_LOG("criu dump failed");
	/* criu kills what it dumped; its PID must be free for the restore. */
	ASSERT_EQ(0, wait_bounded(self->pid, 10, &status));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	for (int i = 0; i < sc->threads; i++) {
		ASSERT_EQ(0, read_last(self->dir, i, &dumped[i]));
		since[i] = dumped[i].n;
	}
	printf("# %s: criu dump -t %d: ok in %.1f s; the process is gone, last count %llu\n",
	       sc->name, self->pid, secs, dumped[0].count);

	snprintf(log, sizeof(log), "%s/restore.out", self->dir);
	status = run_criu(log, 0, (char *[]){ "criu", "restore", "-d", "--restore-sibling",
				 "-D", self->img, "-o", "restore.log", "-v4", NULL }, &secs);
	if (status) {
		show_tail(log, 5);
		snprintf(log, sizeof(log), "%s/restore.log", self->img);
		show_tail(log, 25);
	}
	ASSERT_EQ(0, status) TH_LOG("criu restore failed");
	/* Restored as a sibling of criu: our child, under the same PID. */
	ASSERT_EQ(0, waitpid(self->pid, &status, WNOHANG))
		TH_LOG("pid %d is not our living child after the restore", self->pid);
	printf("# %s: criu restore -d --restore-sibling: ok in %.1f s; pid %d is back\n",
	       sc->name, secs, self->pid);

	ASSERT_EQ(0, wait_records(self->dir, sc->threads, since, 2, now))
		TH_LOG("the restored process does not count");
	for (int i = 0; i < sc->threads; i++) {
		struct tstatus after;
		struct record first;
		char path[200], rec[REC_LEN + 1] = { 0 };
		int fd;

		/* The first record written after the restore. */
		snprintf(path, sizeof(path), "%s/count.%d", self->dir, i);
		fd = open(path, O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ(REC_LEN, pread(fd, rec, REC_LEN, since[i] * REC_LEN));
		close(fd);
		ASSERT_EQ(3, sscanf(rec, "%d %llu %d", &first.tid, &first.count, &first.err));
		EXPECT_EQ(self->tids[i], first.tid);
		EXPECT_EQ(dumped[i].count + 1, first.count)
			TH_LOG("thread %d: counted %llu before the dump, %llu first after the restore",
			       self->tids[i], dumped[i].count, first.count);
		EXPECT_EQ(sc->t[i].err, now[i].err);

		ASSERT_EQ(0, read_status(self->pid, self->tids[i], &after))
			TH_LOG("thread %d is not back", self->tids[i]);
		EXPECT_EQ(self->before[i].seccomp, after.seccomp);
		EXPECT_EQ(self->before[i].filters, after.filters);
		EXPECT_EQ(0, after.tracer);
		printf("# %s: after: thread %d Seccomp: %d Seccomp_filters: %d, getppid() %s, count %llu -> %llu -> %llu\n",
		       sc->name, self->tids[i], after.seccomp, after.filters,
		       errname(now[i].err), dumped[i].count, first.count, now[i].count);
	}

	status = forbidden_call_kills(self->pid);
	EXPECT_EQ(twin_death, status);
	printf("# %s: a forbidden call kills it by %s, as it kills a twin never dumped (%s)\n",
	       sc->name, status > 0 && status < 1000 ? strsignal(status) : "?",
	       twin_death > 0 && twin_death < 1000 ? strsignal(twin_death) : "?");
	self->pid = 0;
}

/*
 * criu under a seccomp filter of its own (one that allows everything) is a
 * tracer the kernel must not let suspend anything, switch on or off: the
 * target's chain does not hold that filter.
 */
TEST_F_TIMEOUT(criu, refused_under_filter, 60)
{
	expect_refused(_metadata, self, variant->sc, 1, "under a seccomp filter");
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--target"))
		return run_target(argv[2], argv[3]);
	return test_harness_run(argc, argv);
}
