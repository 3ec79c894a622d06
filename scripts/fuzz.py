#!/usr/bin/env python3
"""make fuzz's judge: the outputs of tests/fuzz/seccomp_fuzz.c on several
kernels, which must be identical step by step.

  fuzz.py compare [--first N] NAME=OUTPUT...

OUTPUT is a guest.out of make fuzz or the fuzz.tap of a check's boot
(the same lines as '# ' comments).  With --first N, only sequences 0 to
N-1 are compared (the debug kernel runs the first N of the check's).

Prints how many sequences and steps each kernel ran and, of the
sequences whose outcomes differ, the one that shows a difference in the
fewest lines (the lowest-numbered of those): the seed, the sequence, the
first step that differs and each kernel's lines of that sequence up to
that step, and the shortest rerun that shows it: that sequence alone, cut
after that step (seccomp_fuzz SEED 1 N 1 STEP; the steps before the cut
do what they do uncut).  Exits 0 when all agree and every run finished,
1 otherwise.
"""
import re
import sys

LINE = re.compile(r'^(\d+)\.(\d+) (.*)$')
HEAD = re.compile(r'^# seccomp_fuzz seed (\d+) sequences (\d+)\.\.(\d+)$')


def read(path):
    """(seed, {sequence: [(step, text)]}, finished) of one guest output."""
    seqs = {}
    seed = None
    done = False
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\r\n')
            # In a check's suite file the program's lines are '# ' comments.
            if line.startswith('# ') and not line.startswith('# seccomp_fuzz') \
                    and line != '# done':
                line = line[2:]
            m = HEAD.match(line)
            if m:
                seed = int(m.group(1))
                continue
            if line == '# done':
                done = True
                continue
            m = LINE.match(line)
            if m:
                seqs.setdefault(int(m.group(1)), []).append((int(m.group(2)), m.group(3)))
    return seed, seqs, done


def compare(runs):
    """(ok, report lines) over [(name, (seed, seqs, done))]."""
    rep = []
    ok = True
    seeds = {r[1][0] for r in runs}
    for name, (seed, seqs, done) in runs:
        steps = sum(len(v) for v in seqs.values())
        rep.append('%s: seed %s, %d sequences, %d steps%s' % (
            name, seed, len(seqs), steps, '' if done else ', DID NOT FINISH'))
        if not done or seed is None:
            ok = False
    if len(seeds) != 1:
        rep.append('the kernels ran different seeds: %s' % sorted(seeds, key=str))
        return False, rep
    seed = seeds.pop()
    names = [r[0] for r in runs]
    all_seqs = sorted(set().union(*[set(r[1][1]) for r in runs]))
    differ = []
    shortest = None
    for n in all_seqs:
        lines = [r[1][1].get(n) for r in runs]
        if all(x == lines[0] for x in lines):
            continue
        differ.append(n)
        # The first line where any kernel's differs, and its step.
        for i in range(max(len(x or []) for x in lines)):
            at = [x[i] if x and i < len(x) else None for x in lines]
            if any(a != at[0] for a in at):
                # The earliest step among the kernels' lines there (a
                # set-up line or a harness line is step 0, the end 99).
                steps = [a[0] for a in at if a and a[0]]
                first = min(steps) if steps else 0
                break
        if shortest is None or i < shortest[0]:
            shortest = (i, n, first, lines)
    if shortest:
        _, n, first, lines = shortest
        # Steps 1-12 are the random ones; a difference in the set-up
        # (0) or the end (99) needs the whole sequence.
        cut = ' 1 %d' % first if 1 <= first <= 12 else ''
        rep.append('DIFFERENCE: seed %d, sequence %d, step %s (rerun: seccomp_fuzz %d 1 %d%s)'
                   % (seed, n, first, seed, n, cut))
        for name, x in zip(names, lines):
            rep.append('  %s:' % name)
            for st, text in (x or []):
                if st > first and st != 0:
                    break
                rep.append('    %d.%d %s' % (n, st, text))
    if differ:
        ok = False
        rep.append('%d of %d sequences differ: %s' % (
            len(differ), len(all_seqs), ' '.join(map(str, differ[:20])) +
            (' ...' if len(differ) > 20 else '')))
    else:
        rep.append('all %d sequences the same on %s' % (len(all_seqs), ', '.join(names)))
    return ok, rep


def main(argv):
    first = None
    if len(argv) > 3 and argv[1] == 'compare' and argv[2] == '--first' and argv[3].isdigit():
        first = int(argv[3])
        argv = argv[:2] + argv[4:]
    if len(argv) < 4 or argv[1] != 'compare' or any('=' not in a for a in argv[2:]):
        sys.stderr.write(__doc__)
        return 2
    runs = []
    for a in argv[2:]:
        name, path = a.split('=', 1)
        seed, seqs, done = read(path)
        if first is not None:
            seqs = {n: v for n, v in seqs.items() if n < first}
        runs.append((name, (seed, seqs, done)))
    ok, rep = compare(runs)
    print('\n'.join(rep))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
