/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seccomp filter the harness's guest programs (tests/fuzz,
 * tests/stress) install: action RET for system call NR, allow for the
 * rest; FLAGS as seccomp(SECCOMP_SET_MODE_FILTER) takes them.  Returns
 * what seccomp() returns.
 */
#ifndef ONE_SYSCALL_FILTER_H
#define ONE_SYSCALL_FILTER_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int install_filter(unsigned int nr, unsigned int ret, unsigned int flags)
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

#endif
