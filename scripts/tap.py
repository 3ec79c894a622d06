#!/usr/bin/env python3
"""Read kselftest TAP and KUnit KTAP, split the guest's output into suites,
scan the console for kernel splats, and summarise a test run.

The formats are the kernel's own (Documentation/dev-tools/ktap.rst): a
version line, a plan "1..N", result lines "ok N desc # SKIP reason", and
subtests indented by four spaces before their parent's result line.
"""

import os
import re
import sys

RESULT = re.compile(r'^(not ok|ok)\s+(\d+)\s*(?:-\s*)?(.*?)(?:\s+#\s*(\w+)\b\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)')
VERSION = re.compile(r'^(?:K?TAP) version \d+')
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')

# Console lines that mean the kernel is broken, whatever the tests said.
SPLATS = [
    re.compile(p) for p in (
        r'\bOops\b',
        r'\bBUG: ',
        r'^WARNING: ',
        r'------------\[ cut here \]------------',
        r'\bKASAN: ',
        r'\bUBSAN: ',
        r'possible (?:circular|recursive) locking',
        r'inconsistent lock state',
        r'\blockdep\b.*(?:warning|bug)',
        r'Kernel panic',
        r'general protection fault',
        r'detected stalls? on CPU',
        r'hung_task',
        # The debug flavour's (config/matrix/debug.config) own reports.
        r'blocked for more than \d+ seconds',
        r'new suspected memory leaks',
        r'\bkernel BUG at\b',
        r'\bpanicked at\b',
    )
]


class Suite:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.problems = []

    @property
    def status(self):
        if self.failed or self.problems:
            return 'FAIL'
        if self.passed:
            return 'PASS'
        return 'SKIP'

    def line(self):
        text = '%-28s %s  %d passed, %d failed, %d skipped' % (
            self.name, self.status, self.passed, self.failed, self.skipped)
        if self.problems:
            text += '  (' + '; '.join(self.problems) + ')'
        return text


def strip_console(line):
    line = line.rstrip('\r\n')
    return TIMESTAMP.sub('', line)


def _indent(line):
    return len(line) - len(line.lstrip(' '))


def parse(lines, name='suite'):
    """Parse TAP or KTAP text into a Suite that counts the leaf tests.

    A result whose subtests were printed above it counts through them; it
    adds a failure of its own only when it failed while none of them did.
    A missing plan, or fewer results than the plan, is a crash.
    """
    suite = Suite(name)
    # Per indent level: plan, results seen, and whether the results seen
    # since the last result one level up had failures.
    levels = {}
    seen_any = False
    for raw in lines:
        line = strip_console(raw)
        if not line.strip():
            continue
        ind = _indent(line)
        body = line[ind:]
        if VERSION.match(body):
            levels[ind] = {'plan': None, 'count': 0, 'children': False, 'child_failed': False}
            seen_any = True
            continue
        m = PLAN.match(body)
        if m:
            lv = levels.setdefault(ind, {'plan': None, 'count': 0, 'children': False, 'child_failed': False})
            lv['plan'] = int(m.group(1))
            seen_any = True
            continue
        m = RESULT.match(body)
        if not m:
            continue
        seen_any = True
        ok = m.group(1) == 'ok'
        directive = (m.group(4) or '').upper()
        lv = levels.setdefault(ind, {'plan': None, 'count': 0, 'children': False, 'child_failed': False})
        lv['count'] += 1
        child = levels.get(ind + 4)
        if child is not None and child['count'] > 0:
            # This result closes a group of subtests.
            if child['plan'] is not None and child['count'] < child['plan']:
                suite.problems.append('%s: %d of %d subtest results' % (
                    m.group(3) or 'subtest', child['count'], child['plan']))
            if not ok and not child['child_failed']:
                suite.failed += 1
            for deeper in [k for k in levels if k > ind]:
                del levels[deeper]
            if not ok:
                lv['child_failed'] = True
            continue
        for deeper in [k for k in levels if k > ind]:
            del levels[deeper]
        if directive == 'SKIP':
            suite.skipped += 1
        elif directive == 'TODO':
            suite.skipped += 1
        elif ok:
            suite.passed += 1
        else:
            suite.failed += 1
            lv['child_failed'] = True
    if not seen_any:
        suite.problems.append('no TAP output')
        return suite
    top = levels.get(min(levels)) if levels else None
    if top is None or top['plan'] is None:
        suite.problems.append('no plan: the suite stopped early')
    elif top['count'] < top['plan']:
        suite.problems.append('%d of %d results: the suite stopped early' % (top['count'], top['plan']))
    return suite


def split_guest(text):
    """Split the guest's ttyS1 output into {suite: (lines, exit code)}."""
    suites = {}
    order = []
    current = None
    for line in text.splitlines():
        if line.startswith('@@ suite '):
            current = line[len('@@ suite '):].strip()
            suites[current] = ([], None)
            order.append(current)
            continue
        m = re.match(r'^@@ end (\S+) rc=(\d+)$', line)
        if m and current == m.group(1):
            suites[current] = (suites[current][0], int(m.group(2)))
            current = None
            continue
        if current is not None:
            suites[current][0].append(line)
    return order, suites


KSFT_TEST = re.compile(r'^# selftests: (\S+: \S+)$')
KSFT_END = re.compile(r'^(?:not )?ok \d+ selftests: (\S+: \S+)')


def unwrap_kselftest(lines):
    """The kselftest runner's output (run_kselftest.sh) as nested TAP.

    The runner prints one TAP line per test program and the program's own
    TAP as '# ' comments between the program's '# selftests: DIR: NAME'
    header and its result; here those lines become a subtest, indented
    under that result, so that each of the program's tests counts (and a
    program that stopped early or timed out shows as such).  A header
    that no result of the same program closes is left as it was, with the
    lines after it, so that output of another kind is never swallowed."""
    out = []
    block = None    # (name, original lines, unwrapped lines)
    for raw in lines:
        line = strip_console(raw)
        if block is not None:
            m = KSFT_END.match(line)
            if m and m.group(1) == block[0]:
                out.extend(block[2])
                out.append(line)
                block = None
                continue
            block[1].append(line)
            block[2].append('    ' + (line[2:] if line.startswith('# ') else line.lstrip('#')))
            continue
        m = KSFT_TEST.match(line)
        if m:
            block = (m.group(1), [line], [line])
            continue
        out.append(line)
    if block is not None:
        out.extend(block[1])
    return out


def kunit_from_console(text):
    """The KUnit KTAP that the kernel printed at boot, or None."""
    lines = [strip_console(line) for line in text.splitlines()]
    for i, line in enumerate(lines):
        if re.match(r'^K?TAP version \d+$', line):
            ktap = []
            for follow in lines[i:]:
                if follow.startswith('@@ ') or 'Run /init as init process' in follow:
                    break
                ktap.append(follow)
            return ktap
    return None


def splats(text):
    found = []
    for line in text.splitlines():
        line = strip_console(line)
        if any(p.search(line) for p in SPLATS):
            found.append(line)
    return found


KCSAN_TITLE = re.compile(r'BUG: KCSAN: (data-race|assert: race) in (.*)$')
# SMP's line at boot: KCSAN needs two CPUs to see two accesses at once.
CPUS = re.compile(r'smp: Brought up \d+ nodes?, (\d+) CPUs?')


def site_name(text):
    """A racing access's function as a title names it, less its offset,
    module and compiler suffixes (.cold, .isra.N, .constprop.N, .llvm.N)."""
    name = re.sub(r'\+0x.*|\s*\[.*\]$', '', text.strip())
    return re.sub(r'\.(?:cold|isra|constprop|part|llvm)(?:\.\d+)*$', '', name)


def kcsan_reports(text):
    """KCSAN's reports in a console, and the console without their titles.
    Each report is a dict: 'title' (its BUG line, less the prefix) and
    'sites' (the functions of the racing accesses, as the title names
    them).  Only the titles leave the console: whatever a report's body
    holds (an Oops printed into it, a panic that cut it short) is still
    there for splats()."""
    reports, rest = [], []
    for line in text.splitlines():
        line = strip_console(line)
        m = KCSAN_TITLE.search(line)
        if not m:
            rest.append(line)
            continue
        sites = [site_name(x) for x in m.group(2).split(' / ')]
        reports.append({'title': '%s in %s' % (m.group(1), ' / '.join(sites)), 'sites': sites})
    return reports, '\n'.join(rest)


def series_functions(diff):
    """The functions a series adds or changes, from its diff without
    context (git diff -U0 BASE): git names in each hunk's header the
    function above its first changed line, and an added line at the start
    of a line is a definition or declaration, as kernel style writes
    them.  Inlined functions are not in a kernel's symbols: the kcsan
    entry adds every function of the objects the series changes."""
    names = set()
    for line in diff.splitlines():
        m = re.match(r'^@@ [^@]* @@ (.*)$', line)
        text = m.group(1) if m else line[1:] if line.startswith('+') and \
            not line.startswith('+++') and re.match(r'^\+[A-Za-z_]', line) else None
        if text is None:
            continue
        m = re.search(r'(\w+)\s*\(', text)
        if m and not re.match(r'\s*(?:#|if|for|while|switch|return)\b', text):
            names.add(m.group(1))
    return names


def is_series_frame(name, series):
    """Rust code (mangled _R symbols), the C functions Rust calls through
    (rust_*), and SERIES: the functions of the series' objects."""
    return name.startswith('_R') or name.startswith('rust_') or name in series


def cpus(console):
    m = CPUS.search(console)
    return int(m.group(1)) if m else 1


def kcsan_tap(console, series, base_console=None):
    """The kcsan matrix entry's verdict on one boot: KCSAN was on with
    two CPUs or more (on one, no two accesses meet: nothing is reported),
    and no report has a racing access in the series' code (SERIES: the
    names of its functions) that the unmodified base's boot of the same
    test (BASE_CONSOLE) did not report too; nor has any report at all
    that the base did not report too: the series' header inlines are
    inlined into callers outside its objects (seccomp_mode() into
    /proc's status, seccomp_suspend_inherit() into copy_process()), where
    a report names the caller.  Every report of both is listed.  Returns
    (TAP text, exit status)."""
    reports, _ = kcsan_reports(console)
    base = kcsan_reports(base_console)[0] if base_console is not None else []
    tap = ['TAP version 13', '1..3']

    def listing(label, reps):
        count = {}
        for r in reps:
            count[r['title']] = count.get(r['title'], 0) + 1
        return ['# %s: %d KCSAN reports, %d distinct' % (label, len(reps), len(count))] + \
            ['#   %dx %s' % (n, t) for t, n in sorted(count.items(), key=lambda x: (-x[1], x[0]))]

    tap += listing('this kernel', reports)
    consoles = [('this kernel', console)]
    if base_console is not None:
        tap += listing('the unmodified base, same config and test', base)
        consoles.append(('the base', base_console))
    on = True
    for label, text in consoles:
        n = cpus(text)
        if not re.search(r'kcsan: enabled early', text) or n < 2:
            on = False
            tap.append('# %s: %s, %d CPU%s' % (label, 'KCSAN on' if 'kcsan: enabled early' in text
                                              else 'no KCSAN', n, '' if n == 1 else 's'))
    tap.append('%s 1 KCSAN was on, with two CPUs or more, in every kernel booted' %
               ('ok' if on else 'not ok'))
    stock = set(r['title'] for r in base)
    bad = sorted(set(r['title'] for r in reports
                     if any(is_series_frame(x, series) for x in r['sites'])) - stock)
    for t in bad:
        tap.append('# names the series\' code: ' + t)
    tap.append('%s 2 no KCSAN report has a racing access in the series\' code (%d functions) or '
               'in Rust, but those the base has too' % ('not ok' if bad else 'ok', len(series)))
    what = '3 every KCSAN report of this kernel, wherever its accesses, the base has too'
    new = []
    if base_console is None:
        tap.append('ok %s # SKIP the base was not booted' % what)
    else:
        new = sorted(set(r['title'] for r in reports) - stock)
        for t in new:
            tap.append('# not on the base: ' + t)
        tap.append('%s %s' % ('not ok' if new else 'ok', what))
    return '\n'.join(tap) + '\n', 0 if on and not bad and not new else 1


def report_against_base(results, base, expect=()):
    """The debug entry's verdict: report-guest's, except that a test that
    fails on the base's kernel of the same config, booted with the suites
    of BASE, may fail here too (an upstream test too slow for a debug
    kernel is no regression of the series).  A console with a splat, a
    suite that crashed, timed out or never ran, and a test that fails
    here only still fail.  Prints a line a suite; returns the exit status."""
    mine, _ = collect(results, expect, host=False)
    theirs = {s.name: s for s in collect(base, (), host=False)[0]}
    bad = 0
    for s in mine:
        line = s.line()
        if s.status == 'FAIL':
            path = os.path.join(base, s.name + '.tap')
            if s.problems or s.name not in theirs or not os.path.exists(path):
                bad += 1
            else:
                def failing(d):
                    with open(os.path.join(d, s.name + '.tap'), errors='replace') as f:
                        r = results_by_test(f.read().splitlines())
                    return set(t for t, v in r.items() if v == 'not ok')
                only = sorted(failing(results) - failing(base))
                if only:
                    bad += 1
                    line += '  (not on the base: %s)' % ', '.join(only[:5])
                else:
                    line += '  (each failed on the base too: upstream\'s)'
        print(line)
    print('%s against the base' % ('FAIL' if bad else 'ok'))
    return 1 if bad else 0


def exit_code_check(suite, rc):
    """Fold a kselftest's exit status into its suite."""
    if rc is None:
        suite.problems.append('did not finish')
    elif rc == 137:
        suite.problems.append('killed at its timeout')
    elif rc == 4 and not suite.passed and not suite.failed:
        pass    # KSFT_SKIP
    elif rc != 0 and not suite.failed:
        suite.problems.append('exit status %d' % rc)


def collect(results, expect=(), host=True, guest_ran=True, kcsan_apart=False):
    """Write one .tap per suite into results/; return the suites (host,
    unless HOST is false, KUnit, guest, the console's splats; only the
    host's when GUEST_RAN is false) and the policy the guest saw."""
    out_path = os.path.join(results, 'guest.out')
    con_path = os.path.join(results, 'console.log')
    suites = []
    guest = open(out_path, errors='replace').read() if os.path.exists(out_path) else ''
    console = open(con_path, errors='replace').read() if os.path.exists(con_path) else ''

    # Suites that ran on the host (lint, the harness's own tests).
    hostdir = os.path.join(results, 'host')
    if host and os.path.isdir(hostdir):
        for fn in sorted(os.listdir(hostdir)):
            if fn.endswith('.tap'):
                with open(os.path.join(hostdir, fn), errors='replace') as f:
                    suites.append(parse(f.read().splitlines(), fn[:-4]))
    if not guest_ran:
        return suites, None

    ktap = kunit_from_console(console)
    kunit = Suite('kunit')
    if ktap is None:
        kunit.problems.append('no KTAP in the console log')
    else:
        with open(os.path.join(results, 'kunit.tap'), 'w') as f:
            f.write('\n'.join(ktap) + '\n')
        kunit = parse(ktap, 'kunit')
    suites.append(kunit)

    order, parts = split_guest(guest)
    for name in order:
        lines, rc = parts[name]
        lines = unwrap_kselftest(lines)
        with open(os.path.join(results, name + '.tap'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
        s = parse(lines, name)
        exit_code_check(s, rc)
        suites.append(s)
    impl = re.search(r'^# the PTRACE_O_SUSPEND_SECCOMP policy runs in: (\w+)$', guest, re.M)
    for name in expect:
        if name not in parts:
            s = Suite(name)
            s.problems.append('never ran')
            suites.append(s)

    # The kcsan matrix entry judges KCSAN's reports on its own (kcsan_tap).
    bad = splats(kcsan_reports(console)[1] if kcsan_apart else console)
    if bad:
        s = Suite('console')
        s.problems.append('%d kernel splat lines, first: %s' % (len(bad), bad[0]))
        suites.append(s)
    return suites, impl.group(1) if impl else None


def totals(suites):
    """[passed, failed, skipped], a broken suite counting as one failure."""
    t = [sum(getattr(s, k) for s in suites) for k in ('passed', 'failed', 'skipped')]
    t[1] += sum(1 for s in suites if s.problems)
    return t


def report(results, expect=(), quiet=False, host=True, kcsan_apart=False):
    """Write one .tap per suite into results/, print a line per suite and
    the totals (unless quiet); return the process exit status.  With
    host false, the results of an earlier run's host suites are left out
    (make check-guest boots a kernel and nothing else)."""
    suites, impl = collect(results, expect, host, kcsan_apart=kcsan_apart)
    total = totals(suites)
    if not quiet:
        if impl:
            print('implementation: the booted kernel runs the %s policy (/proc/kallsyms)' % impl)
        for s in suites:
            print(s.line())
        print('%d passed, %d failed, %d skipped' % tuple(total))
    return 1 if total[1] else 0


def report_bases(dirs):
    """make check's last word over several bases: each DIR is one base's
    results (results/<base>, named by its last component), whose guest
    suites are listed in DIR/suites; a base whose check boots no kernel
    (LEVEL=series) has DIR/no-guest instead, and only its host suites
    count.  A line per suite, each headed by its base, a total per base,
    then the sum; fails on a failure in any base."""
    grand = [0, 0, 0]
    lines = []
    for d in dirs:
        base = os.path.basename(os.path.normpath(d))
        expect = []
        if os.path.exists(os.path.join(d, 'suites')):
            expect = open(os.path.join(d, 'suites')).read().split()
        if not os.path.isdir(d):
            s = Suite('results')
            s.problems.append('no results in %s' % d)
            suites, impl = [s], None
        else:
            suites, impl = collect(d, expect,
                                   guest_ran=not os.path.exists(os.path.join(d, 'no-guest')))
            # scripts/check.sh writes the build line last: without it the
            # base's check did not finish (a base run beside another is
            # its own process).
            if not os.path.exists(os.path.join(d, 'host', 'build.tap')):
                s = Suite('build')
                s.problems.append('the check of this base did not finish (no host/build.tap)')
                suites.append(s)
        total = totals(suites)
        if impl:
            lines.append('%-5s implementation: the booted kernel runs the %s policy (/proc/kallsyms)'
                         % (base, impl))
        for s in suites:
            lines.append('%-5s %s' % (base, s.line()))
        lines.append('%-5s %d passed, %d failed, %d skipped' % ((base,) + tuple(total)))
        grand = [a + b for a, b in zip(grand, total)]
    print('\n'.join(lines))
    print('%d passed, %d failed, %d skipped' % tuple(grand))
    return 1 if grand[1] else 0


def results_by_test(lines):
    """{test path: 'ok' | 'not ok' | 'skip'} of the leaf and parent results,
    a path being the names of the enclosing results joined by '/'."""
    out = {}
    pending = {}    # indent -> names of results seen at that indent
    for raw in lines:
        line = strip_console(raw)
        ind = _indent(line)
        m = RESULT.match(line[ind:])
        if not m:
            continue
        name = re.sub(r'^\d+\s*', '', m.group(3) or '').strip() or m.group(2)
        state = 'skip' if (m.group(4) or '').upper() == 'SKIP' else m.group(1)
        children = [k for k in pending if k > ind]
        for k in children:
            for child, st in pending.pop(k):
                out[name + '/' + child] = st
        pending.setdefault(ind, []).append((name, state))
    for k in pending:
        for name, st in pending[k]:
            out[name] = st
    return out


def suite_files(results):
    files = {}
    for fn in os.listdir(results):
        if fn.endswith('.tap'):
            files[fn[:-4]] = os.path.join(results, fn)
    return files


# KUnit suites that only some kernels build, or build with more tests:
# the Rust policy's (with CONFIG_SECCOMP_SUSPEND_RUST) and the Rust
# doctests (the series adds some; CONFIG_RUST=n has none).  A kernel
# without one of their tests is marked "not built" in the oracle, not
# failed.
RUST_ONLY_KUNIT = re.compile(r'^(?:seccomp_suspend|rust_doctests_\w+)$')
# Selftests that need kernel.seccomp.scoped_suspend, which only the Rust
# policy has (CONFIG_SECCOMP_SUSPEND_SCOPED): the first column must run
# them, the others may skip them, and those that ran them must agree.
SWITCH_ONLY = re.compile(r'(^|[._])switch_on(_|\.|$)')


def compare(out_tap, out_md, columns):
    """The oracle: every test of every suite the guest ran must end the
    same on each kernel in COLUMNS, a list of (label, results dir), e.g.
    the Rust policy, the C policy and the unmodified base.  A suite one
    kernel ran and another did not fails; so does a test with two
    different results.  A test of a KUnit suite RUST_ONLY_KUNIT names
    is compared among the kernels that built it, and marked as such; so
    is a selftest SWITCH_ONLY names among the kernels that did not skip
    it, the first column included, which must be the Rust policy's
    kernel (the only one with the switch) and must run it.  Last, each kernel's console must be
    free of splats."""
    files = [suite_files(d) for _, d in columns]
    names = sorted(set().union(*files))
    labels = [label for label, _ in columns]
    tap = ['TAP version 13', '1..%d' % (len(names) + len(columns))]
    md = ['| suite | ' + ' | '.join(labels) + ' | same |',
          '|---' * (len(columns) + 2) + '|']
    notes = []
    bad = 0
    n = 0

    def col(r):
        if r is None:
            return 'missing'
        vals = list(r.values())
        return '%d ok, %d not ok, %d skip' % (
            vals.count('ok'), vals.count('not ok'), vals.count('skip'))

    for name in names:
        n += 1
        res = [results_by_test(open(f[name]).read().splitlines()) if name in f else None
               for f in files]
        diff = []
        if any(r is None for r in res):
            diff.append('ran on %s only' % ', '.join(
                lab for lab, r in zip(labels, res) if r is not None))
        else:
            tests = sorted(set().union(*res))
            only = {}
            for t in tests:
                top = t.split('/')[0]
                pairs = [(lab, r.get(t, 'missing')) for lab, r in zip(labels, res)]
                if name == 'kunit' and RUST_ONLY_KUNIT.match(top) and \
                        any(v == 'missing' for _, v in pairs):
                    # Built by some kernels only: compare among those.
                    pairs = [(lab, v) for lab, v in pairs if v != 'missing']
                    key = ('kunit', top, tuple(lab for lab, _ in pairs))
                    only[key] = only.get(key, 0) + 1
                elif name != 'kunit' and SWITCH_ONLY.search(t) and len(res) > 1:
                    # Needs the switch: the first kernel has it and must
                    # run it, the kernels without it skip.
                    if pairs[0][1] in ('skip', 'missing'):
                        pairs[0] = (pairs[0][0], 'skip, where the switch exists'
                                    if pairs[0][1] == 'skip' else 'missing, where the switch exists')
                    ran = pairs[:1] + [(lab, v) for lab, v in pairs[1:] if v != 'skip']
                    if len(ran) < len(pairs):
                        key = ('switch', name, tuple(lab for lab, _ in ran))
                        only[key] = only.get(key, 0) + 1
                    pairs = ran
                if len(set(v for _, v in pairs)) > 1 or 'where the switch exists' in pairs[0][1]:
                    diff.append('%s: %s' % (t, ', '.join('%s %s' % p for p in pairs)))
            for (kind, top, labs), count in sorted(only.items()):
                if kind == 'switch':
                    notes.append('%s, needs kernel.seccomp.scoped_suspend: %d tests ran only on %s'
                                 % (top, count, ', '.join(labs)))
                else:
                    notes.append('kunit %s: %d tests built only on %s' % (top, count, ', '.join(labs)))
        # An empty result (a kernel without Rust runs no KUnit test) is a
        # result; only a missing file is not.
        same = not diff and all(r is not None for r in res)
        md.append('| %s | %s | %s |' % (name, ' | '.join(col(r) for r in res),
                                         'yes' if same else 'NO'))
        for d in diff[:20]:
            tap.append('# ' + name + ': ' + d)
        tap.append('%s %d %s: the same result for each of %d tests on %s' % (
            'ok' if same else 'not ok', n, name, len(res[0] or {}), ', '.join(labels)))
        bad += not same
    # Every kernel's console must be as clean as the others'.
    for label, d in columns:
        n += 1
        con = os.path.join(d, 'console.log')
        found = splats(open(con, errors='replace').read()) if os.path.exists(con) \
            else ['no console log']
        for line in found[:5]:
            tap.append('# %s console: %s' % (label, line))
        tap.append('%s %d no kernel splat in the console of %s' % (
            'not ok' if found else 'ok', n, label))
        bad += bool(found)
    md += [''] + ['- ' + x for x in notes]
    with open(out_tap, 'w') as f:
        f.write('\n'.join(tap) + '\n')
    with open(out_md, 'w') as f:
        f.write('\n'.join(md) + '\n')
    print('\n'.join(md))
    return 1 if bad else 0


def status_tap(what, rc):
    """A one-test TAP for a step that is not a test suite (a build, a
    boot): ok when it exited with status 0."""
    if rc == 0:
        return 'TAP version 13\n1..1\nok 1 %s\n' % what
    return 'TAP version 13\n1..1\nnot ok 1 %s: exit status %d\n' % (what, rc)


def skip_tap(what, reason):
    """A one-test TAP for a step that does not apply (a config matrix entry
    another base has): ok with a SKIP directive and its reason."""
    return 'TAP version 13\n1..1\nok 1 %s # SKIP %s\n' % (what, reason)


def merge_tap(texts):
    """One TAP from several (the config matrix's one-test files, one per
    entry): their results renumbered in order, their comments kept.  A
    text without a result adds a failure, so that nothing is lost."""
    out = []
    n = 0
    for text in texts:
        found = False
        for line in text.splitlines():
            if line.startswith('#'):
                out.append(line)
                continue
            m = RESULT.match(line)
            if not m:
                continue
            found = True
            n += 1
            out.append('%s %d %s' % (m.group(1), n, line[m.end(2):].lstrip()))
        if not found:
            n += 1
            out.append('not ok %d an entry wrote no TAP result' % n)
    return 'TAP version 13\n1..%d\n' % n + ''.join(line + '\n' for line in out)


def require(lines, patterns):
    """What a config matrix entry asks of one suite's TAP: the suite
    passed (no failure, no crash), and each of PATTERNS (a regular
    expression searched in the test paths results_by_test gives, e.g.
    'config_present$') matches at least one test, and every test it
    matches ended ok, not skipped.  Returns the reasons it did not, an
    empty list when all is well."""
    suite = parse(lines)
    reasons = []
    if suite.status == 'FAIL':
        reasons.append('the suite failed: ' + suite.line())
    results = results_by_test(lines)
    for pat in patterns:
        rx = re.compile(pat)
        hits = [t for t in results if rx.search(t)]
        if not hits:
            reasons.append('%s: no such test ran' % pat)
        for t in hits:
            if results[t] != 'ok':
                reasons.append('%s: %s' % (t, 'skipped' if results[t] == 'skip' else results[t]))
    return reasons


def main(argv):
    if len(argv) == 4 and argv[1] == 'status' and argv[3].isdigit():
        sys.stdout.write(status_tap(argv[2], int(argv[3])))
        return 0
    if len(argv) == 4 and argv[1] == 'skip':
        sys.stdout.write(skip_tap(argv[2], argv[3]))
        return 0
    if len(argv) >= 2 and argv[1] == 'merge':
        sys.stdout.write(merge_tap([open(f, errors='replace').read() for f in argv[2:]]))
        return 0
    if len(argv) >= 4 and argv[1] == 'require':
        if not os.path.exists(argv[2]):
            print('%s: missing' % argv[2])
            return 1
        reasons = require(open(argv[2], errors='replace').read().splitlines(), argv[3:])
        for r in reasons:
            print(r)
        return 1 if reasons else 0
    if len(argv) >= 6 and argv[1] == 'compare' and all('=' in a for a in argv[4:]):
        return compare(argv[2], argv[3], [tuple(a.split('=', 1)) for a in argv[4:]])
    if len(argv) >= 3 and argv[1] == 'report':
        return report(argv[2], argv[3:])
    if len(argv) >= 4 and argv[1] == 'report-guest' and argv[2] == '--kcsan-apart':
        return report(argv[3], argv[4:], host=False, kcsan_apart=True)
    if len(argv) >= 3 and argv[1] == 'report-guest':
        return report(argv[2], argv[3:], host=False)
    if len(argv) == 3 and argv[1] == 'splats':
        # A console alone (make fuzz's boots): its splat lines, if any.
        bad = splats(open(argv[2], errors='replace').read())
        for line in bad:
            print(line)
        if bad:
            print('%s: %d kernel splat lines' % (argv[2], len(bad)))
        return 1 if bad else 0
    if len(argv) >= 4 and argv[1] == 'report-against-base':
        return report_against_base(argv[2], argv[3], argv[4:])
    if len(argv) == 3 and argv[1] == 'series-functions':
        print('\n'.join(sorted(series_functions(open(argv[2], errors='replace').read()))))
        return 0
    if len(argv) in (5, 6) and argv[1] == 'kcsan':
        text, rc = kcsan_tap(open(argv[3], errors='replace').read(),
                             set(open(argv[4]).read().split()),
                             open(argv[5], errors='replace').read() if len(argv) == 6 else None)
        with open(argv[2], 'w') as f:
            f.write(text)
        sys.stdout.write(text)
        return rc
    if len(argv) >= 3 and argv[1] == 'report-bases':
        return report_bases(argv[2:])
    if len(argv) >= 3 and argv[1] == 'split':
        report(argv[2], argv[3:], quiet=True)
        return 0
    if len(argv) == 3 and argv[1] == 'parse':
        s = parse(open(argv[2]).read().splitlines(), os.path.basename(argv[2]))
        print(s.line())
        return 1 if s.status == 'FAIL' else 0
    sys.stderr.write('usage: tap.py report|report-guest|split RESULTS_DIR [EXPECTED_SUITE...]\n'
                     '       tap.py report-guest --kcsan-apart RESULTS_DIR [EXPECTED_SUITE...]\n'
                     '       tap.py kcsan OUT.tap CONSOLE SERIES_FUNCTIONS [BASE_CONSOLE]\n'
                     '       tap.py series-functions DIFF\n'
                     '       tap.py report-against-base RESULTS_DIR BASE_RESULTS_DIR [EXPECTED_SUITE...]\n'
                     '       tap.py report-bases RESULTS_DIR...\n'
                     '       tap.py parse FILE\n'
                     '       tap.py status WHAT EXIT_STATUS\n'
                     '       tap.py skip WHAT REASON\n'
                     '       tap.py merge FILE...\n'
                     '       tap.py require FILE TEST_PATTERN...\n'
                     '       tap.py compare OUT.tap OUT.md LABEL=RESULTS LABEL=RESULTS...\n')
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
