#!/usr/bin/env python3
"""Make results/bench.md from make bench's runs: results/bench/<kernel>.<run>/
with kernel base (no series), rust (the series, Rust policy) and c (the
series, C policy), and bloat-<key>.txt: scripts/bloat-o-meter from the base
to rust, c and rust-scoped-n (the Rust policy without scoped suspension),
and bloat-scoped.txt from rust-scoped-n to rust.  Figures are ns per call
under -icount shift=0,sleep=off, i.e. guest instructions.  Exits 1 when a
goal is missed or runs disagree."""

import os
import re
import sys

KERNELS = ('base', 'rust', 'c')
HOT = [
    ('getppid', 'getppid(), no seccomp'),
    ('getppid_filter', 'getppid(), one 4-instruction filter (ERRNO)'),
    ('getppid_cached', 'getppid(), one filter answered by the action cache'),
    ('getppid_arg', 'getppid(), one 4-instruction filter that reads an argument (ALLOW)'),
    ('read0_strict', 'read(fd, buf, 0) in strict mode'),
    ('sb_native', 'seccomp_benchmark: getpid native'),
    ('sb_bitmap1', 'seccomp_benchmark: 1 filter (bitmap)'),
    ('sb_bitmap2', 'seccomp_benchmark: 2 filters (bitmap)'),
    ('sb_full3', 'seccomp_benchmark: 3 filters (full)'),
    ('sb_full4', 'seccomp_benchmark: 4 filters (full)'),
]
# A suspended task is not S8's (no cost for tasks that are not suspended):
# reported beside the base, not judged.
SUSPENDED = [
    ('getppid_suspended', 'getppid(), filter suspended by a tracer'),
]
# Z8's second half: a task under a scoped suspension against the same
# floor run unsuspended, both on the Rust policy's kernel (the only one
# with the switch: the case is skipped on the others).  A scoped-suspended
# call runs the floor's chain after a dispatch that a call of a task that
# is not suspended does not make: the jump out of __secure_computing(),
# the floor's load and tests, the call of the floor's chain.  Judged: the
# difference is at most DISPATCH instructions (a filter above the floor
# that ran would add its whole BPF run, 70 and more), and the filters
# above the floor cost nothing: three of them the same as one, to half an
# instruction a call (the two children differ in layout: 0.1 seen).
SCOPED = [
    ('getppid_arg', 'getppid_scoped_arg',
     'the floor reads an argument (the BPF runs), an ERRNO filter above it'),
    ('getppid_arg', 'getppid_scoped_arg3',
     'the same floor, three ERRNO filters above it'),
    ('getppid_cached', 'getppid_scoped_cached',
     'the action cache answers the floor, an ERRNO filter above it'),
]
SCOPED_SAME = ('getppid_scoped_arg', 'getppid_scoped_arg3')
SCOPED_SAME_SPREAD = 0.5
DISPATCH = 16
OPTION = [
    ('setoptions_suspend', 'PTRACE_SETOPTIONS, SUSPEND_SECCOMP on/off (per call)'),
    ('setoptions_plain', 'PTRACE_SETOPTIONS, TRACESYSGOOD on/off (per call)'),
    ('seize_detach_suspend', 'SEIZE with SUSPEND_SECCOMP + INTERRUPT + wait + DETACH'),
    ('seize_detach_plain', 'SEIZE + INTERRUPT + wait + DETACH'),
]
SB = {
    'getpid native': 'sb_native',
    'getpid RET_ALLOW 1 filter (bitmap)': 'sb_bitmap1',
    'getpid RET_ALLOW 2 filters (bitmap)': 'sb_bitmap2',
    'getpid RET_ALLOW 3 filters (full)': 'sb_full3',
    'getpid RET_ALLOW 4 filters (full)': 'sb_full4',
}
# The strict-mode case is timed by the parent across the pipe round trip
# (a child in strict mode cannot read the clock), whose two task switches
# vary from kernel to kernel: 363.0, 363.1 and 363.5 were read on 7.2 for
# the same entry path.  It may read up to PIPE_SLACK instructions a call
# over the base; the other rows, timed by the child, read whole
# instructions and get no slack.  s8.py counts the instructions
# themselves.
PARENT_TIMED = {'read0_strict'}
PIPE_SLACK = 0.5
TEXT_GOAL = 2048
# The series with scoped suspension, an option off by default: its own
# budget, as the floor's instance of the filter code (about 1.7 KiB) is
# what keeps the path of a task that is not suspended as it was (Z8).
SCOPED_TEXT_GOAL = 3072
# bloat-<key>.txt: base to each kernel, and the goal it is judged by.
TEXT = [
    ('rust-scoped-n', 'series, Rust policy, without scoped suspension (the default)', TEXT_GOAL),
    ('c', 'series, C policy', TEXT_GOAL),
    ('rust', 'series, Rust policy with scoped suspension (CONFIG_SECCOMP_SUSPEND_SCOPED=y)',
     SCOPED_TEXT_GOAL),
]
OPTION_GOAL = 1.05
SPREAD = 0.005


def figures(run_dir):
    fig = {}
    with open(os.path.join(run_dir, 'syscall_bench.tap')) as f:
        for line in f:
            m = re.match(r'^# bench: (\S+) ([0-9.]+)$', line.strip())
            if m:
                fig[m.group(1)] = float(m.group(2))
    with open(os.path.join(run_dir, 'seccomp_benchmark.tap')) as f:
        for line in f:
            m = re.match(r'^# (.*): (\d+) ns$', line.strip())
            if m and m.group(1) in SB:
                fig[SB[m.group(1)]] = float(m.group(2))
    return fig


# Test code, in the kernel only with CONFIG_KUNIT: the Rust doctests and
# the KUnit cases of #[kunit_tests] modules (their wrappers and bodies).
TEST_CODE = re.compile(r'doctest|kunit|seccomp_suspend5tests')


def bloat(path):
    """(net text change, the same without test code, summary line)."""
    net = rest = 0
    summary = ''
    with open(path) as f:
        for line in f:
            if line.startswith('add/remove'):
                summary = line.strip()
                m = re.search(r'\(([-+]?\d+)\)$', summary)
                net = int(m.group(1))
                continue
            parts = line.split()
            if len(parts) == 4 and re.match(r'^[-+]\d+$', parts[3]):
                if not TEST_CODE.search(parts[0]):
                    rest += int(parts[3])
    return net, rest, summary


def main(out, runs):
    runs = int(runs)
    fig = {k: [figures(os.path.join(out, '%s.%d' % (k, r)))
               for r in range(1, runs + 1)] for k in KERNELS}
    ok = True
    md = ['# make bench', '',
          'Guest instructions per call: QEMU TCG, `-icount shift=0,sleep=off`, one CPU;',
          'the same config for the three kernels: the base without the series, the series',
          'with the Rust policy (`CONFIG_SECCOMP_SUSPEND_RUST=y`), the series with the C policy.',
          '%d runs per kernel; the figures are the fastest run.' % runs, '']

    md += ['## Repeatability', '',
           'System call and PTRACE_SETOPTIONS cases must be identical run to run.',
           'The SEIZE...DETACH cycles switch between two tasks on every step and vary',
           'by a few instructions a cycle; they may spread by at most %.1f%%, and the' % (SPREAD * 100),
           'fastest run counts.', '']
    for k in KERNELS:
        diff = []
        for c in fig[k][0]:
            vals = [f.get(c) for f in fig[k]]
            if None in vals or min(vals) == max(vals):
                continue
            spread = (max(vals) - min(vals)) / min(vals)
            diff.append('%s (%.3f%%)' % (c, spread * 100))
            if not c.startswith('seize_') or spread > SPREAD:
                ok = False
        if diff:
            md.append('- %s: %d runs; they differ in %s' % (k, runs, ', '.join(diff)))
        else:
            md.append('- %s: all %d runs identical in all %d cases' % (k, runs, len(fig[k][0])))
    md.append('')

    def val(k, c):
        vals = [f.get(c) for f in fig[k]]
        return None if None in vals else min(vals)

    def table(title, head, cases, row, goal):
        """One table: row(base, rust, c) is its cells, goal(base, rust, c,
        case) whether the case meets its goal; a case a kernel lacks is a
        miss."""
        nonlocal ok
        md.extend([title, '', head, '|---' + '|---:' * (head.count('|') - 2) + '|'])
        for c, what in cases:
            b, r, cc = val('base', c), val('rust', c), val('c', c)
            if None in (b, r, cc):
                ok = False
                md.append('| %s | missing |' % what + ' |' * (head.count('|') - 3))
                continue
            md.append('| %s | %s |' % (what, row(b, r, cc)))
            if not goal(b, r, cc, c):
                ok = False

    table('## The syscall path of a task that is not suspended (S8): series over base '
          '(goal: ratio at most 1.000; strict mode, timed across the pipe: at most '
          '%.1f instructions a call more)' % PIPE_SLACK,
          '| case | base | series, Rust | ratio | series, C | ratio |', HOT,
          lambda b, r, cc: '%.1f | %.1f | %.3f | %.1f | %.3f' % (b, r, r / b, cc, cc / b),
          lambda b, r, cc, c: all(round(x / b, 3) <= 1.0 or
                                  (c in PARENT_TIMED and round(x - b, 1) <= PIPE_SLACK)
                                  for x in (r, cc)))
    md.append('')
    table('## A suspended task (not S8: reported, not judged)',
          '| case | base | series, Rust | difference | series, C | difference |', SUSPENDED,
          lambda b, r, cc: '%.1f | %.1f | %+.1f | %.1f | %+.1f' % (b, r, r - b, cc, cc - b),
          lambda b, r, cc, c: True)
    md.append('')
    md += ['## A task under a scoped suspension (Z8): the floor run unsuspended against '
           'the same floor under the suspension, Rust policy (goal: at most %d instructions '
           'of dispatch more, and the filters above the floor cost nothing)' % DISPATCH, '',
           '| floor | unsuspended | scoped-suspended | difference |', '|---|---:|---:|---:|']
    for plain, scoped, what in SCOPED:
        p, q = val('rust', plain), val('rust', scoped)
        if None in (p, q):
            ok = False
            md.append('| %s | missing | | |' % what)
            continue
        md.append('| %s | %.1f | %.1f | %+.1f |' % (what, p, q, q - p))
        if round(q - p, 1) > DISPATCH:
            ok = False
    one, three = (val('rust', c) for c in SCOPED_SAME)
    if None not in (one, three):
        md.append('')
        md.append('- three filters above the floor against one: %+.1f (goal: at most %.1f either way)'
                  % (three - one, SCOPED_SAME_SPREAD))
        if abs(round(three - one, 1)) > SCOPED_SAME_SPREAD:
            ok = False
    md.append('')
    table('## The option path: Rust policy against C policy (goal: Rust/C at most %.2f)'
          % OPTION_GOAL,
          '| case | base | series, C | series, Rust | Rust/C |', OPTION,
          lambda b, r, cc: '%.1f | %.1f | %.1f | %.3f' % (b, cc, r, r / cc),
          lambda b, r, cc, c: r / cc <= OPTION_GOAL)

    # The text goal is the series' as a kernel carries it by default:
    # without CONFIG_SECCOMP_SUSPEND_SCOPED, an option of its own (off
    # unless chosen).  With it, the series has a budget of its own; scoped
    # suspension's own text, mostly the second instance of the filter code
    # that keeps the path of a task that is not suspended as it was (Z8),
    # is reported beside them.
    md += ['', '## Text size: scripts/bloat-o-meter -t, base to series (goal: at most %d bytes '
           'for the series as built by default, without CONFIG_SECCOMP_SUSPEND_SCOPED; '
           '%d with it)' % (TEXT_GOAL, SCOPED_TEXT_GOAL), '']
    for k, name, goal in TEXT:
        net, rest, summary = bloat(os.path.join(out, 'bloat-%s.txt' % k))
        md.append('- %s: `%s`; without the test code (Rust doctests and KUnit '
                  'cases, built only with CONFIG_KUNIT): %+d bytes (goal: at most %d)'
                  % (name, summary, rest, goal))
        if rest > goal:
            ok = False
    net, rest, summary = bloat(os.path.join(out, 'bloat-scoped.txt'))
    md.append('- scoped suspension alone (the Rust policy without the option to the one with '
              'it): `%s`; without the test code: %+d bytes (reported, not judged)' % (summary, rest))
    md += ['', 'Verdict: %s' % ('every goal met' if ok else 'A GOAL IS MISSED (see above)')]
    print('\n'.join(md))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:]))
