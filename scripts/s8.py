#!/usr/bin/env python3
"""SPEC S8, checked from the code: the system call entry path of a task
that is not suspended gains no instruction, call or lock over the base.

  s8.py summary OBJDUMP VMLINUX > FILE   what the entry path's functions are
  s8.py compare BASE_FILE SERIES_FILE     exits 0 when, in every function
                                          the base has, the series has no more
                                          instructions, the same calls (but
                                          one: SUSPENDED_BRANCH) and no more
                                          locks; prints what it found

The functions are those the entry path of x86-64 runs for a task under
seccomp: the out-of-line part of the hook, __secure_computing(), strict
mode's __secure_computing_strict() (where it is not inlined), the filters'
__seccomp_filter() (where it is not inlined; the code that runs every
filter of a task under them), and the functions that inline
secure_computing() (syscall_trace_enter() where it is not inlined itself,
do_syscall_64()).  The suspension test is one of
__secure_computing()'s instructions: a task that is not suspended runs it
and goes on, so a test that grows, calls out or locks shows here.  The
bench (make bench) measures the same path at run time, against a booted
base.  A static count is not a path count: it is the cheap gate, which
needs only the two vmlinux files, and it is strict (any growth anywhere
in those functions fails it).
"""
import re
import subprocess
import sys

FUNCS = ['__secure_computing', '__secure_computing_strict', '__seccomp_filter',
         'syscall_trace_enter', 'do_syscall_64']
# The one call the series may add, and only to __secure_computing(): with
# scoped suspension (CONFIG_SECCOMP_SUSPEND_SCOPED) the suspended branch,
# which returned at once, jumps to the out-of-line function that runs a
# suspension's floor.  A task that is not suspended never takes it; the
# bench measures that path at run time.
SUSPENDED_BRANCH = {'__secure_computing': 'jmp:seccomp_suspended_syscall'}
# Its instructions: the jump and the move of its argument (the mode), where
# the base's suspended branch joined the function's own return (7.2: 33
# against 31; 6.12, which also passes its seccomp_data: 38 against 37).
SUSPENDED_BRANCH_INSNS = 2
INSN = re.compile(r'^\s*[0-9a-f]+:\s+(\S+)(?:\s+(.*))?$')
TARGET = re.compile(r'<([^+>]+)')


PREFIXES = {'cs', 'ds', 'es', 'ss', 'fs', 'gs', 'notrack', 'bnd', 'rep', 'repe', 'repz',
            'repne', 'repnz', 'data16', 'addr32', 'lock'}


def indirect(operand):
    """An indirect call's operand with its registers unnamed: the same call
    through another register (the BPF program's, *0x48(%rbx) or
    *0x48(%rbp)) is the same call; the register is the allocator's choice."""
    return re.sub(r'%[a-z0-9]+', '%reg', operand)


def summarize(lines):
    """{function: (instructions, locks, sorted calls)} of objdump -d text.

    A call is a call instruction, or a jump to another function (a tail
    call) or through a register or memory (an indirect tail call or a
    jump table), named by its target; prefixes (lock, cs, notrack, ...)
    are looked through, and a lock prefix counts."""
    out = {}
    cur = None
    for line in lines:
        m = re.match(r'^[0-9a-f]+ <([^>]+)>:$', line.strip())
        if m:
            cur = m.group(1)
            out[cur] = [0, 0, []]
            continue
        m = INSN.match(line)
        if not m or cur is None:
            continue
        parts = (m.group(1) + ' ' + (m.group(2) or '')).split()
        f = out[cur]
        f[0] += 1
        while parts and parts[0] in PREFIXES:
            if parts[0] == 'lock':
                f[1] += 1
            parts = parts[1:]
        if not parts:
            continue    # a prefix on a line of its own: the next line is its instruction
        op, args = parts[0], ' '.join(parts[1:]).split('#')[0].strip()
        t = TARGET.search(args)
        if op.startswith('call'):
            f[2].append(t.group(1) if t else indirect(args))
        elif op.startswith('j'):
            if t and t.group(1) != cur:
                f[2].append('jmp:' + t.group(1))
            elif not t and args.startswith('*'):
                f[2].append('jmp:' + indirect(args))
    return {k: (v[0], v[1], sorted(v[2])) for k, v in out.items()}


def summary(objdump, vmlinux):
    text = subprocess.run([objdump, '-d', '--no-show-raw-insn',
                           '--disassemble-symbols=' + ','.join(FUNCS), vmlinux],
                          check=True, capture_output=True, text=True).stdout
    for name, (n, locks, calls) in sorted(summarize(text.splitlines()).items()):
        print('%s %d %d %s' % (name, n, locks, '|'.join(calls) or '-'))


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            name, n, locks, calls = line.split()
            out[name] = (int(n), int(locks), [] if calls == '-' else calls.split('|'))
    return out


def compare(base, series):
    """(ok, text) of two summaries."""
    b, s = read(base), read(series)
    if '__secure_computing' not in b:
        return False, 'the base has no __secure_computing() (no seccomp in its config?)'
    bad, seen = [], []
    for name in sorted(b):
        bn, bl, bc = b[name]
        if name not in s:
            bad.append('%s() is gone (inlined into what?)' % name)
            continue
        sn, sl, sc = s[name]
        seen.append('%s %d/%d' % (name, sn, bn))
        allowed = SUSPENDED_BRANCH.get(name)
        extra = 0
        if allowed in sc and allowed not in bc:
            sc = list(sc)
            sc.remove(allowed)      # one such jump; a second one counts
            extra = SUSPENDED_BRANCH_INSNS
            seen[-1] += ' (with the suspended branch\'s tail call to %s(), up to %d)' % (
                allowed[4:], extra)
        if sn > bn + extra:
            bad.append('%s() has %d instructions, the base %d' % (name, sn, bn))
        if sl > bl:
            bad.append('%s() has %d locked instructions, the base %d' % (name, sl, bl))
        if sc != bc:
            more = sorted(set(sc) - set(bc)) or sorted(sc)
            bad.append('%s() calls %s, the base %s' % (name, ','.join(more) or '-',
                                                       ','.join(sorted(set(bc) - set(sc))) or '-'))
    for name in sorted(set(s) - set(b)):
        bad.append('%s() is new on the entry path' % name)
    if bad:
        return False, '; '.join(bad)
    return True, 'instructions, series/base: ' + ', '.join(seen) + '; the same calls, no lock more'


def main(argv):
    if len(argv) == 4 and argv[1] == 'summary':
        summary(argv[2], argv[3])
        return 0
    if len(argv) == 4 and argv[1] == 'compare':
        ok, text = compare(argv[2], argv[3])
        print(text)
        return 0 if ok else 1
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
