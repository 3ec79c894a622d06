#!/usr/bin/env python3
"""Tests of scripts/tap.py: TAP/KTAP parsing, splitting the guest output,
and splat detection on a recorded console log.  Prints KTAP."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'scripts'))
import tap  # noqa: E402
import bench  # noqa: E402
import s8  # noqa: E402
import fuzz  # noqa: E402


def counts(text):
    s = tap.parse(text.splitlines())
    return (s.passed, s.failed, s.skipped, bool(s.problems))


class Parse(unittest.TestCase):
    def test_kselftest_pass(self):
        self.assertEqual(counts('TAP version 13\n1..2\n# Starting 2 tests\n'
                                '#  RUN  global.a ...\nok 1 global.a\nok 2 global.b\n'
                                '# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0\n'),
                         (2, 0, 0, False))

    def test_fail(self):
        self.assertEqual(counts('TAP version 13\n1..2\nok 1 a\nnot ok 2 b\n'), (1, 1, 0, False))

    def test_skip(self):
        self.assertEqual(counts('TAP version 13\n1..2\nok 1 a # SKIP no CONFIG_X\nok 2 b\n'),
                         (1, 0, 1, False))

    def test_nested_ktap(self):
        text = ('KTAP version 1\n1..2\n'
                '    KTAP version 1\n    # Subtest: s1\n    1..3\n'
                '    ok 1 t1\n    not ok 2 t2\n    ok 3 t3 # SKIP why\n'
                'not ok 1 s1\n'
                '    KTAP version 1\n    # Subtest: s2\n    1..1\n    ok 1 u1\n'
                'ok 2 s2\n')
        self.assertEqual(counts(text), (2, 1, 1, False))

    def test_parent_fails_alone(self):
        # A suite that fails (e.g. its init) while its cases passed.
        text = ('KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n    ok 1 t\nnot ok 1 s\n')
        self.assertEqual(counts(text), (1, 1, 0, False))

    def test_crash_without_plan(self):
        p, f, s, broken = counts('TAP version 13\n# Starting\nok 1 a\n')
        self.assertTrue(broken)

    def test_crash_short_of_plan(self):
        s = tap.parse('TAP version 13\n1..5\nok 1 a\nok 2 b\n'.splitlines())
        self.assertEqual(s.status, 'FAIL')
        self.assertIn('2 of 5', s.problems[0])

    def test_crash_inside_subtest(self):
        s = tap.parse('KTAP version 1\n1..1\n    KTAP version 1\n    1..4\n    ok 1 a\n'.splitlines())
        self.assertEqual(s.status, 'FAIL')

    def test_empty(self):
        self.assertEqual(tap.parse([]).status, 'FAIL')

    def test_console_timestamps(self):
        self.assertEqual(counts('[    1.000000] KTAP version 1\n[    1.000001] 1..1\n'
                                '[    1.000002] ok 1 x\n'), (1, 0, 0, False))


class Guest(unittest.TestCase):
    def test_split(self):
        order, parts = tap.split_guest('@@ suite a\nTAP version 13\n1..1\nok 1 x\n@@ end a rc=0\n'
                                       '@@ suite b\nTAP version 13\n@@ done rc=0\n')
        self.assertEqual(order, ['a', 'b'])
        self.assertEqual(parts['a'][1], 0)
        self.assertIsNone(parts['b'][1])

    def test_exit_code(self):
        s = tap.parse('TAP version 13\n1..1\nok 1 x\n'.splitlines())
        tap.exit_code_check(s, 137)
        self.assertEqual(s.status, 'FAIL')
        s = tap.parse('TAP version 13\n1..0 # SKIP\n'.splitlines())
        tap.exit_code_check(s, 4)
        self.assertEqual(s.status, 'SKIP')


class Console(unittest.TestCase):
    def read(self, name):
        with open(os.path.join(HERE, 'fixtures', name)) as f:
            return f.read()

    def test_oops_found(self):
        found = tap.splats(self.read('console-oops.log'))
        self.assertTrue(any('BUG: kernel NULL pointer dereference' in x for x in found))
        self.assertTrue(any('Oops' in x for x in found))

    def test_splats_command(self):
        # make fuzz's check of each console.
        import contextlib
        import io
        for name, rc in (('console-oops.log', 1), ('console-clean.log', 0)):
            with contextlib.redirect_stdout(io.StringIO()) as out:
                got = tap.main(['tap.py', 'splats', os.path.join(HERE, 'fixtures', name)])
            self.assertEqual(got, rc, name)
            self.assertEqual('kernel splat lines' in out.getvalue(), bool(rc))

    def test_warn_found(self):
        found = tap.splats(self.read('console-warn.log'))
        self.assertTrue(any(x.startswith('WARNING: CPU:') for x in found))

    def test_debug_reports_found(self):
        # What the debug flavour prints: KFENCE, kmemleak's scan, the hung
        # task detector, a Rust panic.
        for line in ('[   12.5] BUG: KFENCE: use-after-free read in foo+0x1/0x2',
                     '[   70.1] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)',
                     '[  250.0] INFO: task sh:42 blocked for more than 122 seconds.',
                     "[    3.1] rust_kernel: panicked at rust/kernel/ptrace.rs:10:5:",
                     '[    3.2] kernel BUG at rust/helpers/bug.c:7!'):
            self.assertEqual(len(tap.splats(line + '\n')), 1, line)

    def test_clean_boot(self):
        self.assertEqual(tap.splats(self.read('console-clean.log')), [])

    def test_kunit_extracted(self):
        ktap = tap.kunit_from_console(self.read('console-clean.log'))
        s = tap.parse(ktap)
        self.assertEqual((s.passed, s.failed, s.skipped, s.problems), (114, 0, 0, []))



class Bases(unittest.TestCase):
    """make check's last report over two bases: a failure in either fails it."""

    def run_report(self, make):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as top:
            dirs = []
            for base in ('7.2', '6.12'):
                d = os.path.join(top, base)
                os.makedirs(os.path.join(d, 'host'))
                with open(os.path.join(d, 'suites'), 'w') as f:
                    f.write('a\nb\n')
                with open(os.path.join(d, 'console.log'), 'w') as f:
                    f.write('[    1.0] KTAP version 1\n[    1.0] 1..1\n[    1.0] ok 1 k\n'
                            '[    1.1] Run /init as init process\n')
                with open(os.path.join(d, 'guest.out'), 'w') as f:
                    f.write('@@ suite a\nTAP version 13\n1..1\nok 1 x\n@@ end a rc=0\n'
                            '@@ suite b\nTAP version 13\n1..1\nok 1 y\n@@ end b rc=0\n@@ done rc=0\n')
                with open(os.path.join(d, 'host', 'series.tap'), 'w') as f:
                    f.write('TAP version 13\n1..1\nok 1 p\n')
                with open(os.path.join(d, 'host', 'build.tap'), 'w') as f:
                    f.write('TAP version 13\n1..1\nok 1 built\n')
                make(base, d)
                dirs.append(d)
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                rc = tap.report_bases(dirs)
            return rc, buf.getvalue().splitlines()

    def test_clean(self):
        rc, lines = self.run_report(lambda base, d: None)
        self.assertEqual(rc, 0)
        self.assertEqual(lines[-1], '10 passed, 0 failed, 0 skipped')
        self.assertTrue(any(x.startswith('6.12  series ') and 'PASS' in x for x in lines))
        self.assertIn('7.2   5 passed, 0 failed, 0 skipped', lines)

    def test_other_base_fails(self):
        def make(base, d):
            if base == '6.12':
                with open(os.path.join(d, 'host', 'series.tap'), 'w') as f:
                    f.write('TAP version 13\n1..1\nnot ok 1 p\n')
        rc, lines = self.run_report(make)
        self.assertEqual(rc, 1)
        self.assertTrue(any(x.startswith('6.12  series ') and 'FAIL' in x for x in lines))
        self.assertEqual(lines[-1], '9 passed, 1 failed, 0 skipped')

    def test_suite_never_ran(self):
        def make(base, d):
            if base == '7.2':
                os.remove(os.path.join(d, 'guest.out'))
        rc, lines = self.run_report(make)
        self.assertEqual(rc, 1)
        self.assertTrue(any(x.startswith('7.2   a ') and 'never ran' in x for x in lines))

    def test_base_without_guest(self):
        # LEVEL=series boots nothing: its host suites alone count, and
        # no KUnit or guest suite is asked of it; a failing host suite
        # still fails the report.
        def make(base, d, series='ok'):
            if base == '6.12':
                for fn in ('suites', 'console.log', 'guest.out'):
                    os.remove(os.path.join(d, fn))
                with open(os.path.join(d, 'no-guest'), 'w') as f:
                    f.write('LEVEL=series\n')
                with open(os.path.join(d, 'host', 'series.tap'), 'w') as f:
                    f.write('TAP version 13\n1..1\n%s 1 p\n' % series)
        rc, lines = self.run_report(make)
        self.assertEqual(rc, 0)
        self.assertIn('6.12  2 passed, 0 failed, 0 skipped', lines)
        self.assertFalse(any(x.startswith('6.12  kunit') for x in lines))
        rc, lines = self.run_report(lambda base, d: make(base, d, 'not ok'))
        self.assertEqual(rc, 1)
        self.assertIn('6.12  1 passed, 1 failed, 0 skipped', lines)

    def test_base_check_did_not_finish(self):
        # A base checked beside another that died before its last step
        # (its build line) fails, even with nothing else to show.
        def make(base, d):
            if base == '6.12':
                for fn in ('suites', 'console.log', 'guest.out'):
                    os.remove(os.path.join(d, fn))
                with open(os.path.join(d, 'no-guest'), 'w') as f:
                    f.write('LEVEL=series\n')
                os.remove(os.path.join(d, 'host', 'build.tap'))
                os.remove(os.path.join(d, 'host', 'series.tap'))
        rc, lines = self.run_report(make)
        self.assertEqual(rc, 1)
        self.assertTrue(any(x.startswith('6.12  build ') and 'did not finish' in x
                            for x in lines), lines)

    def test_no_results(self):
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = tap.report_bases(['/nonexistent/6.12'])
        self.assertEqual(rc, 1)
        self.assertIn('no results', buf.getvalue())


KCSAN_REPORT = """[   20.1] ==================================================================
[   20.1] BUG: KCSAN: data-race in %s / %s
[   20.1]
[   20.1] write to 0xffff8880041d0a30 of 4 bytes by task 77 on cpu 0:
[   20.1]  %s+0x95/0x120
[   20.1]  exit_ptrace+0x84/0x110
[   20.1]  do_exit+0x2c8/0xd40
[   20.1]
[   20.1] read to 0xffff8880041d0a30 of 4 bytes by task 80 on cpu 1:
[   20.1]  %s+0x1f/0x90
[   20.1]  syscall_trace_enter+0x61/0x1b0
[   20.1]
[   20.1] value changed: 0x00200011 -> 0x00000000
[   20.1]
[   20.1] Reported by Kernel Concurrency Sanitizer on:
[   20.1] CPU: 1 UID: 0 PID: 80 Comm: seccomp_stress Not tainted 7.2.12 #1
[   20.1] ==================================================================
"""

SERIES_DIFF = """diff --git a/kernel/seccomp.c b/kernel/seccomp.c
@@ -1390 +1390 @@ int __secure_computing(void)
-	if (current->ptrace & PT_SUSPEND_SECCOMP)
+	if (seccomp_suspended(current))
diff --git a/include/linux/seccomp_suspend.h b/include/linux/seccomp_suspend.h
+static inline void seccomp_suspend_begin(struct task_struct *task,
"""


def kcsan_report(a, b):
    return KCSAN_REPORT % (a, b, a, b)


ON = '[    0.4] smp: Brought up 1 node, 2 CPUs\n[    0.5] kcsan: enabled early\n'


class Kcsan(unittest.TestCase):
    """The kcsan matrix entry: KCSAN's reports parsed out of a console and
    judged by whether a racing access is in the series' code."""

    series = tap.series_functions(SERIES_DIFF)

    def test_parse(self):
        text = ON + kcsan_report('__ptrace_unlink', '__secure_computing') + '[   21.0] after\n'
        reps, rest = tap.kcsan_reports(text)
        self.assertEqual(len(reps), 1)
        self.assertEqual(reps[0]['sites'], ['__ptrace_unlink', '__secure_computing'])
        self.assertIn('after', rest)
        self.assertNotIn('BUG: KCSAN', rest)

    def test_other_titles(self):
        # An assertion, a race of unknown origin (one site, with its
        # offset), a site in a module and one with a compiler suffix.
        text = ('[ 1.0] BUG: KCSAN: assert: race in seccomp_suspend_begin / do_exit\n'
                '[ 1.1] BUG: KCSAN: data-race in __secure_computing+0x1f/0x90\n'
                '[ 1.2] BUG: KCSAN: data-race in foo [mymod] / bar.isra.0\n')
        reps, rest = tap.kcsan_reports(text)
        self.assertEqual([r['sites'] for r in reps],
                         [['seccomp_suspend_begin', 'do_exit'], ['__secure_computing'], ['foo', 'bar']])
        self.assertEqual(tap.splats(rest), [])

    def test_series_functions(self):
        self.assertEqual(self.series, {'__secure_computing', 'seccomp_suspend_begin'})

    def test_report_in_series_code_fails(self):
        text, rc = tap.kcsan_tap(ON + kcsan_report('__ptrace_unlink', '__secure_computing'), self.series)
        self.assertEqual(rc, 1, text)
        self.assertIn('not ok 2', text)
        # Rust code is the series' too.
        text, rc = tap.kcsan_tap(ON + kcsan_report('_RNvCs1_7seccomp4mode', 'do_exit'), self.series)
        self.assertEqual(rc, 1, text)

    def test_report_the_base_has_too(self):
        # A race the unmodified base reports on the same test is stock's.
        rep = kcsan_report('__ptrace_unlink', '__secure_computing')
        text, rc = tap.kcsan_tap(ON + rep, self.series, ON + rep)
        self.assertEqual(rc, 0, text)

    def test_report_elsewhere_listed(self):
        text, rc = tap.kcsan_tap(ON + kcsan_report('do_exit', 'wait_consider_task') * 2, self.series,
                                 ON + kcsan_report('do_exit', 'wait_consider_task'))
        self.assertEqual(rc, 0, text)
        self.assertIn('ok 3 every KCSAN report', text)
        self.assertIn('#   2x data-race in do_exit / wait_consider_task', text)
        self.assertIn('the unmodified base, same config and test: 1 KCSAN reports', text)
        self.assertLess(text.index('this kernel'), text.index('the unmodified base'))

    def test_report_elsewhere_not_on_the_base_fails(self):
        # A header inline of the series, inlined into a caller outside
        # its objects, is reported under the caller's name.
        text, rc = tap.kcsan_tap(ON + kcsan_report('copy_process', 'do_exit'), self.series, ON)
        self.assertEqual(rc, 1, text)
        self.assertIn('ok 2 ', text)
        self.assertIn('not ok 3 every KCSAN report', text)
        self.assertIn('# not on the base: data-race in copy_process / do_exit', text)
        # Without the base it cannot be told: listed, and 3 is a SKIP.
        text, rc = tap.kcsan_tap(ON + kcsan_report('copy_process', 'do_exit'), self.series)
        self.assertEqual(rc, 0, text)
        self.assertIn('# SKIP the base was not booted', text)

    def test_kcsan_off_or_one_cpu_fails(self):
        text, rc = tap.kcsan_tap('[    0.5] Linux version 7.2\n', self.series)
        self.assertEqual(rc, 1)
        self.assertIn('not ok 1', text)
        one = '[    0.4] smp: Brought up 1 node, 1 CPU\n[    0.5] kcsan: enabled early\n'
        text, rc = tap.kcsan_tap(one, self.series)
        self.assertEqual(rc, 1, text)
        # The base's console counts as much.
        text, rc = tap.kcsan_tap(ON, self.series, one)
        self.assertEqual(rc, 1, text)
        self.assertEqual(tap.kcsan_tap(ON, self.series, ON)[1], 0)

    def test_splats_apart(self):
        # Anywhere else a KCSAN report is a splat; judged apart, it is
        # not, but any other splat still is, also one printed into a
        # report or after one cut short.
        text = kcsan_report('do_exit', 'wait_consider_task')
        self.assertTrue(tap.splats(text))
        self.assertEqual(tap.splats(tap.kcsan_reports(text)[1]), [])
        oops = text + '[   30.0] Oops: general protection fault\n'
        self.assertTrue(tap.splats(tap.kcsan_reports(oops)[1]))
        lines = text.splitlines()
        inside = '\n'.join(lines[:5] + ['[   20.1] Oops: 0000 [#1] SMP'] + lines[5:])
        reps, rest = tap.kcsan_reports(inside)
        self.assertEqual(len(reps), 1)
        self.assertTrue(tap.splats(rest))
        cut = '\n'.join(lines[:6]) + '\n[   20.2] Kernel panic - not syncing: Fatal exception\n'
        self.assertTrue(tap.splats(tap.kcsan_reports(cut)[1]))

    def test_report_guest_kcsan_apart(self):
        import contextlib
        import io
        import tempfile
        for extra, want in (('', 0), ('[   31.0] WARNING: CPU: 1 PID: 9 at kernel/x.c:1\n', 1)):
            with tempfile.TemporaryDirectory() as d:
                with open(os.path.join(d, 'console.log'), 'w') as f:
                    f.write('[    1.0] KTAP version 1\n[    1.0] 1..1\n[    1.0] ok 1 k\n' +
                            kcsan_report('do_exit', 'wait_consider_task') + extra)
                with open(os.path.join(d, 'guest.out'), 'w') as f:
                    f.write('@@ suite a\nTAP version 13\n1..1\nok 1 x\n@@ end a rc=0\n@@ done rc=0\n')
                with contextlib.redirect_stdout(io.StringIO()):
                    self.assertEqual(tap.main(['tap.py', 'report-guest', '--kcsan-apart', d, 'a']), want)
                    self.assertEqual(tap.main(['tap.py', 'report-guest', d, 'a']), 1)


class AgainstBase(unittest.TestCase):
    """The debug entry: a test may fail if it fails on the base's kernel
    of the same config too; nothing else may."""

    def boot(self, d, suites, console=''):
        with open(os.path.join(d, 'console.log'), 'w') as f:
            f.write('[    1.0] KTAP version 1\n[    1.0] 1..1\n[    1.0] ok 1 k\n' + console)
        with open(os.path.join(d, 'guest.out'), 'w') as f:
            for name, failing in suites:
                f.write('@@ suite %s\nTAP version 13\n1..2\n%s 1 x\n%s 2 y\n@@ end %s rc=%d\n' % (
                    name, 'not ok' if 'x' in failing else 'ok', 'not ok' if 'y' in failing else 'ok',
                    name, 1 if failing else 0))
            f.write('@@ done rc=0\n')

    def verdict(self, mine, base, console=''):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as b:
            self.boot(d, mine, console)
            self.boot(b, base)
            with contextlib.redirect_stdout(io.StringIO()):
                return tap.main(['tap.py', 'report-against-base', d, b] + [n for n, _ in mine])

    def test_upstream_failure_on_both(self):
        self.assertEqual(self.verdict([('ours', ''), ('seccomp_bpf', 'x')], [('seccomp_bpf', 'x')]), 0)

    def test_failure_here_only(self):
        self.assertEqual(self.verdict([('ours', ''), ('seccomp_bpf', 'xy')], [('seccomp_bpf', 'x')]), 1)
        # A suite the base did not run may not fail at all.
        self.assertEqual(self.verdict([('ours', 'y'), ('seccomp_bpf', '')], [('seccomp_bpf', 'y')]), 1)

    def test_splat_fails(self):
        self.assertEqual(self.verdict([('seccomp_bpf', 'x')], [('seccomp_bpf', 'x')],
                                      '[    9.0] BUG: KASAN: slab-use-after-free in f+0x1/0x2\n'), 1)

    def test_suite_never_ran(self):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as b:
            self.boot(d, [('seccomp_bpf', '')])
            self.boot(b, [('seccomp_bpf', '')])
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(tap.main(['tap.py', 'report-against-base', d, b, 'seccomp_bpf', 'ours']), 1)


class GuestReport(unittest.TestCase):
    """make check-guest reports what its boot ran, not an older run's
    host suites; make check's report counts them."""

    def run_report(self, host):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, 'host'))
            with open(os.path.join(d, 'host', 'lint.tap'), 'w') as f:
                f.write('TAP version 13\n1..1\nnot ok 1 an old lint\n')
            with open(os.path.join(d, 'console.log'), 'w') as f:
                f.write('[    1.0] KTAP version 1\n[    1.0] 1..1\n[    1.0] ok 1 k\n')
            with open(os.path.join(d, 'guest.out'), 'w') as f:
                f.write('@@ suite a\nTAP version 13\n1..1\nok 1 x\n@@ end a rc=0\n@@ done rc=0\n')
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                rc = tap.main(['tap.py', 'report' if host else 'report-guest', d, 'a'])
            return rc, buf.getvalue()

    def test_guest_only(self):
        rc, out = self.run_report(False)
        self.assertEqual(rc, 0, out)
        self.assertNotIn('lint', out)

    def test_with_host(self):
        rc, out = self.run_report(True)
        self.assertEqual(rc, 1)
        self.assertIn('lint', out)


class Compare(unittest.TestCase):
    """The oracle (tap.py compare) over made-up results of three kernels."""

    SUITE = 'TAP version 13\n1..2\nok 1 x\nok 2 y # SKIP no z\n'
    KTAP = ('KTAP version 1\n1..2\n'
            '    KTAP version 1\n    1..1\n    ok 1 case\nok 1 seccomp_suspend\n'
            '    KTAP version 1\n    1..1\n    ok 1 t\nok 2 other\n')
    CLEAN = '[    1.0] Run /init as init process\n'

    def run_compare(self, change=lambda label, d: None):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as top:
            cols = []
            for label in ('rust', 'c', 'base'):
                d = os.path.join(top, label)
                os.makedirs(d)
                for name, text in (('a.tap', self.SUITE), ('kunit.tap', self.KTAP),
                                   ('console.log', self.CLEAN)):
                    with open(os.path.join(d, name), 'w') as f:
                        f.write(text)
                change(label, d)
                cols.append((label, d))
            out_tap, out_md = os.path.join(top, 'o.tap'), os.path.join(top, 'o.md')
            with contextlib.redirect_stdout(io.StringIO()):
                rc = tap.compare(out_tap, out_md, cols)
            return rc, open(out_tap).read(), open(out_md).read()

    def write(self, d, name, text):
        with open(os.path.join(d, name), 'w') as f:
            f.write(text)

    def test_same(self):
        rc, out, md = self.run_compare()
        self.assertEqual(rc, 0, out)
        self.assertNotIn('not ok', out)
        self.assertIn('| a | 1 ok, 0 not ok, 1 skip | 1 ok, 0 not ok, 1 skip | '
                      '1 ok, 0 not ok, 1 skip | yes |', md)

    def test_fail_in_one(self):
        def change(label, d):
            if label == 'base':
                self.write(d, 'a.tap', self.SUITE.replace('ok 1 x', 'not ok 1 x'))
        rc, out, md = self.run_compare(change)
        self.assertEqual(rc, 1)
        self.assertIn('# a: x: rust ok, c ok, base not ok', out)
        self.assertIn('not ok 1 a:', out)

    def test_skip_is_not_ok(self):
        def change(label, d):
            if label == 'c':
                self.write(d, 'a.tap', self.SUITE.replace('ok 2 y # SKIP no z', 'ok 2 y'))
        rc, out, _ = self.run_compare(change)
        self.assertEqual(rc, 1)
        self.assertIn('y: rust skip, c ok, base skip', out)

    def test_suite_missing(self):
        rc, out, md = self.run_compare(
            lambda label, d: label == 'c' and os.remove(os.path.join(d, 'a.tap')))
        self.assertEqual(rc, 1)
        self.assertIn('a: ran on rust, base only', out)
        self.assertIn('| a | 1 ok, 0 not ok, 1 skip | missing |', md)

    def test_nested_names_kept_apart(self):
        # The same leaf name under two parents is two tests.
        def change(label, d):
            if label == 'rust':
                self.write(d, 'kunit.tap', self.KTAP.replace('    ok 1 t', '    not ok 1 t'))
        rc, out, _ = self.run_compare(change)
        self.assertEqual(rc, 1)
        self.assertIn('other/t: rust not ok, c ok, base ok', out)
        self.assertNotIn('seccomp_suspend/', out)

    def test_rust_only_kunit_marked(self):
        def change(label, d):
            if label != 'rust':
                self.write(d, 'kunit.tap', 'KTAP version 1\n1..1\n'
                           '    KTAP version 1\n    1..1\n    ok 1 t\nok 1 other\n')
        rc, out, md = self.run_compare(change)
        self.assertEqual(rc, 0, out)
        self.assertIn('kunit seccomp_suspend: 2 tests built only on rust', md)

    def test_switch_only_selftests(self):
        # Tests that need kernel.seccomp.scoped_suspend: skipped without
        # it, compared among the kernels that ran them.
        suite = 'TAP version 13\n1..2\nok 1 scoped.switch_on_seize.t\nok 2 scoped.switch_off_seize.t\n'
        skipped = suite.replace('switch_on_seize.t', 'switch_on_seize.t # SKIP no switch')

        def change(label, d):
            self.write(d, 'a.tap', suite if label == 'rust' else skipped)
        rc, out, md = self.run_compare(change)
        self.assertEqual(rc, 0, out)
        self.assertIn('a, needs kernel.seccomp.scoped_suspend: 1 tests ran only on rust', md)

        # The names the suites use, and not a word that merely starts so.
        for name in ('criu.shared_switch_on.dump_restore', 'global.scoped_switch_on_sysctl',
                     'scoped.switch_on_seize.t'):
            self.assertTrue(tap.SWITCH_ONLY.search(name), name)
        self.assertFalse(tap.SWITCH_ONLY.search('a.switch_once'))

        # The first kernel, which has the switch, must not skip them.
        rc, out, _ = self.run_compare(lambda label, d: self.write(d, 'a.tap', skipped))
        self.assertEqual(rc, 1)
        self.assertIn('scoped.switch_on_seize.t: rust skip, where the switch exists', out)

        def rust_skips(label, d):
            self.write(d, 'a.tap', skipped if label == 'rust' else suite)
        rc, out, _ = self.run_compare(rust_skips)
        self.assertEqual(rc, 1)
        self.assertIn('scoped.switch_on_seize.t: rust skip, where the switch exists, c ok, base ok', out)

        # A first kernel whose results lack them is not let off.
        def rust_lacks(label, d):
            self.write(d, 'a.tap', 'TAP version 13\n1..1\nok 1 scoped.switch_off_seize.t\n'
                       if label == 'rust' else skipped)
        rc, out, _ = self.run_compare(rust_lacks)
        self.assertEqual(rc, 1)
        self.assertIn('scoped.switch_on_seize.t: rust missing, where the switch exists', out)

        # Those that ran them must agree, and a switch_off test is as any.
        def c_fails(label, d):
            self.write(d, 'a.tap', suite.replace('ok 1', 'not ok 1') if label == 'c'
                       else suite if label == 'rust' else skipped)
        rc, out, _ = self.run_compare(c_fails)
        self.assertEqual(rc, 1)
        self.assertIn('scoped.switch_on_seize.t: rust ok, c not ok', out)

    def test_kernel_without_rust_runs_no_kunit(self):
        # The C reference without Rust: KUnit prints an empty plan.
        def change(label, d):
            if label == 'c':
                self.write(d, 'kunit.tap', 'KTAP version 1\n1..0\n')
            else:
                self.write(d, 'kunit.tap', self.KTAP.replace('ok 2 other', 'ok 2 rust_doctests_kernel'))
        rc, out, md = self.run_compare(change)
        self.assertEqual(rc, 0, out)
        self.assertIn('| kunit | 4 ok, 0 not ok, 0 skip | 0 ok, 0 not ok, 0 skip | 4 ok, 0 not ok, 0 skip | yes |', md)
        self.assertIn('kunit rust_doctests_kernel: 2 tests built only on rust, base', md)

    def test_doctests_the_series_adds(self):
        doc = ('KTAP version 1\n1..1\n    KTAP version 1\n    1..%d\n    ok 1 old\n%s'
               'ok 1 rust_doctests_kernel\n')

        def change(label, d):
            # The series adds a doctest, which the base cannot have; a
            # doctest both have must still agree.
            if label == 'base':
                self.write(d, 'kunit.tap', doc % (1, ''))
            else:
                self.write(d, 'kunit.tap', doc % (2, '    ok 2 new\n'))
        rc, out, md = self.run_compare(change)
        self.assertEqual(rc, 0, out)
        self.assertIn('kunit rust_doctests_kernel: 1 tests built only on rust, c', md)

        def broken(label, d):
            change(label, d)
            if label == 'base':
                self.write(d, 'kunit.tap', (doc % (1, '')).replace('ok 1 old', 'not ok 1 old'))
        rc, out, _ = self.run_compare(broken)
        self.assertEqual(rc, 1)
        self.assertIn('rust_doctests_kernel/old: rust ok, c ok, base not ok', out)

    def test_other_kunit_suite_missing(self):
        def change(label, d):
            if label == 'c':
                self.write(d, 'kunit.tap', 'KTAP version 1\n1..1\n'
                           '    KTAP version 1\n    1..1\n    ok 1 case\nok 1 seccomp_suspend\n')
        rc, out, _ = self.run_compare(change)
        self.assertEqual(rc, 1)
        self.assertIn('other/t: rust ok, c missing, base ok', out)

    def test_splat_in_one_console(self):
        def change(label, d):
            if label == 'c':
                self.write(d, 'console.log', self.CLEAN + '[    2.0] WARNING: CPU: 0 PID: 1 at x\n')
        rc, out, _ = self.run_compare(change)
        self.assertEqual(rc, 1)
        self.assertIn('not ok 4 no kernel splat in the console of c', out)
        self.assertIn('ok 3 no kernel splat in the console of rust', out)

    def test_exit_status_of_main(self):
        import contextlib
        import io
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(tap.main(['tap.py', 'compare', 'a', 'b', 'c', 'd']), 2)


class Matrix(unittest.TestCase):
    """What scripts/matrix.sh builds its TAP from: one-line results per
    entry merged into one file, and the P1 and doctest requirements."""

    # A CHECKPOINT_RESTORE=n run of the selftest, cut down.
    NO_CR = ('TAP version 13\n1..3\n# Starting 3 tests\n'
             'ok 1 target.config_checked_before_capability\n'
             'ok 2 target.config_present\n'
             'ok 3 target.no_sys_admin_seize_eperm # SKIP no CONFIG_CHECKPOINT_RESTORE\n')

    def test_merge_renumbers_and_keeps_comments(self):
        out = tap.merge_tap([tap.skip_tap('arm64', 'not built yet'),
                             tap.status_tap('no-cr', 0),
                             tap.status_tap('no-multiuser', 2) + '# the log\n'])
        self.assertEqual(out, 'TAP version 13\n1..3\nok 1 arm64 # SKIP not built yet\n'
                         'ok 2 no-cr\nnot ok 3 no-multiuser: exit status 2\n# the log\n')
        self.assertEqual(counts(out), (1, 1, 1, False))

    def test_merge_entry_without_result_fails(self):
        out = tap.merge_tap([tap.status_tap('a', 0), ''])
        self.assertEqual(counts(out), (1, 1, 0, False))

    def test_p1_ran_and_passed(self):
        self.assertEqual(tap.require(self.NO_CR.splitlines(),
                                     [r'\.config_present$',
                                      r'\.config_checked_before_capability$']), [])

    def test_p1_skipped_fails(self):
        text = self.NO_CR.replace('capability\n', 'capability # SKIP the kernel has it\n')
        self.assertEqual(tap.require(text.splitlines(), [r'\.config_checked_before_capability$']),
                         ['target.config_checked_before_capability: skipped'])

    def test_p1_failed_fails(self):
        text = self.NO_CR.replace('ok 2 target.config_present', 'not ok 2 target.config_present')
        reasons = tap.require(text.splitlines(), [r'\.config_present$'])
        self.assertEqual(len(reasons), 2)
        self.assertIn('the suite failed', reasons[0])
        self.assertEqual(reasons[1], 'target.config_present: not ok')

    def test_p1_did_not_run_fails(self):
        # As the selftest run with -T config_checked_before_capability.
        text = self.NO_CR.replace('ok 1 target.config_checked_before_capability\n', '')
        text = text.replace('1..3', '1..2')
        self.assertEqual(tap.require(text.splitlines(), [r'\.config_checked_before_capability$']),
                         [r'\.config_checked_before_capability$: no such test ran'])

    def test_crashed_suite_fails(self):
        text = '\n'.join(self.NO_CR.splitlines()[:-1]) + '\n'
        self.assertEqual(len(tap.require(text.splitlines(), [r'\.config_present$'])), 1)

    def test_doctests_nested(self):
        ktap = ('KTAP version 1\n1..2\n'
                '    KTAP version 1\n    # Subtest: rust_doctests_kernel\n    1..2\n'
                '    ok 1 rust_doctest_kernel_task_rs_1\n'
                '    ok 2 rust_doctest_kernel_sync_rs_0\n'
                'ok 1 rust_doctests_kernel\n'
                '    KTAP version 1\n    # Subtest: other\n    1..1\n    ok 1 x # SKIP no\n'
                'ok 2 other\n')
        self.assertEqual(tap.require(ktap.splitlines(), ['^rust_doctests_']), [])
        bad = ktap.replace('    ok 1 rust_doctest_kernel_task_rs_1',
                           '    not ok 1 rust_doctest_kernel_task_rs_1')
        bad = bad.replace('ok 1 rust_doctests_kernel', 'not ok 1 rust_doctests_kernel')
        self.assertIn('rust_doctests_kernel/rust_doctest_kernel_task_rs_1: not ok',
                      tap.require(bad.splitlines(), ['^rust_doctests_']))

    def test_main(self):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            f = os.path.join(d, 'seccomp_suspend.tap')
            with open(f, 'w') as fh:
                fh.write(self.NO_CR)
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(tap.main(['tap.py', 'require', f, 'config_present$']), 0)
                self.assertEqual(tap.main(['tap.py', 'require', f, 'seize_eperm$']), 1)
                self.assertEqual(tap.main(['tap.py', 'require', f + '.no', 'x']), 1)


class BenchReport(unittest.TestCase):
    """scripts/bench.py on made-up runs: goals and repeatability."""

    FIG = {'getppid': 189.1, 'getppid_filter': 448.3, 'getppid_cached': 296.3,
           'read0_strict': 363.5, 'getppid_suspended': 223.2, 'getppid_arg': 400.0,
           'seize_detach_suspend': 8663.9, 'seize_detach_plain': 8568.9,
           'setoptions_suspend': 656.5, 'setoptions_plain': 614.9}
    SCOPED = {'getppid_scoped_arg': 408.0, 'getppid_scoped_arg3': 408.0,
              'getppid_scoped_cached': 304.3}
    SB = {'getpid native': 190, 'getpid RET_ALLOW 1 filter (bitmap)': 297,
          'getpid RET_ALLOW 2 filters (bitmap)': 297,
          'getpid RET_ALLOW 3 filters (full)': 809,
          'getpid RET_ALLOW 4 filters (full)': 973}
    BLOAT = ('add/remove: 4/0 grow/shrink: 1/0 up/down: 4000/0 (4000)\n'
             'Function                                     old     new   delta\n'
             '_RNvNvNvCs1_25doctests_kernel_generated_x      -    2500   +2500\n'
             '_RNvNtCs1_15seccomp_suspend5tests34kunit_rust_wrapper_x -  900 +900\n'
             'rust_ptrace_check_options                      -     600    +600\n')

    def run_bench(self, change=None, bloat=None):
        import contextlib
        import io
        import tempfile
        with tempfile.TemporaryDirectory() as out:
            for k in bench.KERNELS:
                for r in (1, 2):
                    d = os.path.join(out, '%s.%d' % (k, r))
                    os.makedirs(d)
                    fig = dict(self.FIG)
                    if k == 'rust':     # the switch: the Rust policy's alone
                        fig.update(self.SCOPED)
                    if change:
                        change(k, r, fig)
                    with open(os.path.join(d, 'syscall_bench.tap'), 'w') as f:
                        f.write(''.join('# bench: %s %.1f\n' % i for i in fig.items()))
                    with open(os.path.join(d, 'seccomp_benchmark.tap'), 'w') as f:
                        f.write(''.join('# %s: %d ns\n' % i for i in self.SB.items()))
            for k in ('rust', 'c', 'rust-scoped-n', 'scoped'):
                with open(os.path.join(out, 'bloat-%s.txt' % k), 'w') as f:
                    f.write(self.BLOAT if not bloat or k not in bloat else bloat[k])
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                rc = bench.main(out, '2')
            return rc, buf.getvalue()

    def test_all_goals_met(self):
        rc, md = self.run_bench()
        self.assertEqual(rc, 0, md)
        self.assertIn('rust: all 2 runs identical in all 18 cases', md)
        self.assertIn('| 400.0 | 408.0 | +8.0 |', md)
        self.assertIn('| 296.3 | 304.3 | +8.0 |', md)
        self.assertIn('three filters above the floor against one: +0.0 (goal: at most 0.5 either way)', md)
        self.assertIn('without the test code (Rust doctests and KUnit cases, built only with '
                      'CONFIG_KUNIT): +600 bytes', md)

    def test_text_goal(self):
        # The series without scoped suspension and the C policy are held
        # to 2048 bytes, the series with it to 3072; scoped's own text is
        # reported only.
        big = self.BLOAT.replace('-     600    +600', '-    2100   +2100')
        rc, md = self.run_bench(bloat={'rust': big, 'scoped': big})
        self.assertEqual(rc, 0, md)
        self.assertIn('(CONFIG_SECCOMP_SUSPEND_SCOPED=y): `add/remove: 4/0 grow/shrink: 1/0 '
                      'up/down: 4000/0 (4000)`; without the test code (Rust doctests and KUnit '
                      'cases, built only with CONFIG_KUNIT): +2100 bytes (goal: at most 3072)', md)
        self.assertIn('without the test code: +2100 bytes (reported, not judged)', md)
        for k in ('rust-scoped-n', 'c'):
            rc, md = self.run_bench(bloat={k: big})
            self.assertEqual(rc, 1, k)
            self.assertIn('A GOAL IS MISSED', md)
        bigger = self.BLOAT.replace('-     600    +600', '-    3100   +3100')
        rc, md = self.run_bench(bloat={'rust': bigger, 'scoped': bigger})
        self.assertEqual(rc, 1, md)
        rc, md = self.run_bench(bloat={'scoped': bigger})
        self.assertEqual(rc, 0, md)

    def test_runs_differ(self):
        def change(k, r, fig):
            if k == 'c' and r == 2:
                fig['getppid'] += 0.1
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('c: 2 runs; they differ in getppid (0.053%)', md)

    def test_seize_cycles_spread_a_little(self):
        def change(k, r, fig):
            if r == 2:
                fig['seize_detach_plain'] += 8.5
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 0, md)
        self.assertIn('base: 2 runs; they differ in seize_detach_plain (0.099%)', md)

    def test_seize_cycles_spread_too_much(self):
        def change(k, r, fig):
            if r == 2 and k == 'rust':
                fig['seize_detach_suspend'] += 50
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)

    def test_hot_path_grows(self):
        def change(k, r, fig):
            if k == 'rust':
                fig['getppid_filter'] += 1
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('| 448.3 | 449.3 | 1.002 |', md)

    def test_strict_row_pipe_slack(self):
        # The strict-mode row, timed across the pipe, may read half an
        # instruction a call over the base, not more; a row the child
        # times gets no slack.
        for kernel, case, delta, rc, cells in (
                ('rust', 'read0_strict', 0.5, 0, '| 363.5 | 364.0 | 1.001 |'),
                ('c', 'read0_strict', 0.6, 1, None),
                ('rust', 'getppid', 0.5, 1, '| 189.1 | 189.6 | 1.003 |')):
            def change(k, r, fig):
                if k == kernel:
                    fig[case] += delta
            got, md = self.run_bench(change)
            self.assertEqual(got, rc, (kernel, case, delta, md))
            if cells:
                self.assertIn(cells, md)

    def test_suspended_task_reported_not_judged(self):
        # S8 is about tasks that are not suspended: a suspended task's
        # extra instruction is shown, and does not fail the bench.
        def change(k, r, fig):
            if k != 'base':
                fig['getppid_suspended'] += 1
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 0, md)
        self.assertIn('| getppid(), filter suspended by a tracer | 223.2 | 224.2 | +1.0 |', md)

    def test_suspended_task_missing(self):
        def change(k, r, fig):
            if k == 'rust':
                del fig['getppid_suspended']
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('| getppid(), filter suspended by a tracer | missing |', md)

    def test_hot_path_cheaper_than_base(self):
        # A base that happens to run half an instruction more a call
        # (7.2's getppid(), 204.5 against 204.0) is no cost of the series.
        def change(k, r, fig):
            if k == 'base':
                fig['getppid'] += 0.5
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 0, md)
        self.assertIn('| 189.6 | 189.1 | 0.997 |', md)

    def test_rust_option_path_slower(self):
        def change(k, r, fig):
            if k == 'rust':
                fig['setoptions_suspend'] *= 1.06
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('1.060 |', md)

    def test_scoped_suspension_costs_more_than_its_floor(self):
        # Z8: a scoped-suspended task pays its floor's chain and the
        # dispatch, not a filter above the floor.
        def change(k, r, fig):
            if k == 'rust':
                fig['getppid_scoped_cached'] += 8.2
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('| 296.3 | 312.5 | +16.2 |', md)

    def test_filters_above_the_floor_cost(self):
        def change(k, r, fig):
            if k == 'rust':
                fig['getppid_scoped_arg3'] += 1
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('three filters above the floor against one: +1.0 (goal: at most 0.5 either way)', md)

    def test_scoped_case_missing(self):
        def change(k, r, fig):
            if k == 'rust':
                del fig['getppid_scoped_arg']
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('an ERRNO filter above it | missing |', md)

    def test_missing_case(self):
        def change(k, r, fig):
            if k == 'base':
                del fig['read0_strict']
        rc, md = self.run_bench(change)
        self.assertEqual(rc, 1)
        self.assertIn('| read(fd, buf, 0) in strict mode | missing |', md)


class S8Gate(unittest.TestCase):
    """scripts/s8.py: the entry path's functions, base against series."""

    # llvm-objdump -d --no-show-raw-insn output, cut down.
    BASE = """
ffffffff812ec6d0 <__secure_computing>:
ffffffff812ec6d0:      	movq	%gs:-0x7e411ff8, %rax
ffffffff812ec6df:      	testb	$0x1, 0x33(%rax)
ffffffff812ec6e4:      	jne	0xffffffff812ec72a <__secure_computing+0x5a>
ffffffff812ec725:      	callq	0xffffffff81252050 <do_exit>
ffffffff812ec72c:      	retq

ffffffff81000100 <do_syscall_64>:
ffffffff81000100:      	callq	0xffffffff812ec6d0 <__secure_computing>
ffffffff81000105:      	lock
ffffffff81000106:      	incl	(%rax)
ffffffff81000108:      	callq	*%rax
ffffffff8100010a:      	retq
"""

    def files(self, series_text):
        import tempfile
        d = tempfile.mkdtemp()
        paths = []
        for name, text in (('base', self.BASE), ('series', series_text)):
            path = os.path.join(d, name)
            with open(path, 'w') as f:
                for fn, (n, locks, calls) in sorted(s8.summarize(text.splitlines()).items()):
                    f.write('%s %d %d %s\n' % (fn, n, locks, '|'.join(calls) or '-'))
            paths.append(path)
        return paths

    def test_summary(self):
        got = s8.summarize(self.BASE.splitlines())
        self.assertEqual(got['__secure_computing'], (5, 0, ['do_exit']))
        self.assertEqual(got['do_syscall_64'], (5, 1, ['*%reg', '__secure_computing']))

    def test_same_code(self):
        ok, text = s8.compare(*self.files(self.BASE))
        self.assertTrue(ok, text)
        self.assertIn('__secure_computing 5/5', text)

    def test_other_instruction_same_count(self):
        # The READ_ONCE() test: btl for testb, nothing more.
        ok, text = s8.compare(*self.files(self.BASE.replace('testb\t$0x1, 0x33', 'btl\t$0x18, 0x30')))
        self.assertTrue(ok, text)

    def test_one_instruction_more(self):
        series = self.BASE.replace('ffffffff812ec72c:', 'ffffffff812ec72b:      \tnop\nffffffff812ec72c:')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('__secure_computing() has 6 instructions, the base 5', text)

    def test_call_out(self):
        series = self.BASE.replace('\tmovq\t%gs:-0x7e411ff8, %rax',
                                   '\tcallq\t0xffffffff81400000 <rust_helper_seccomp_suspended>', 1)
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('__secure_computing() calls rust_helper_seccomp_suspended', text)

    def test_lock(self):
        series = self.BASE.replace('\ttestb\t$0x1, 0x33(%rax)', '\tlock\n ffffffff812ec6e0: \tincl\t(%rax)')
        series = series.replace('ffffffff812ec6d0:      \tmovq\t%gs:-0x7e411ff8, %rax\n', '', 1)
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('__secure_computing() has 1 locked instructions, the base 0', text)

    def test_tail_call_out(self):
        # A jump to a helper at the same instruction count is a call.
        series = self.BASE.replace('\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>',
                                   '\tjne\t0xffffffff81400000 <rust_helper_seccomp_suspended>')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('calls jmp:rust_helper_seccomp_suspended', text)

    def test_suspended_branch_tail_call(self):
        # Scoped suspension: the suspended branch jumps to the function
        # that runs the floor, in __secure_computing() only.
        series = self.BASE.replace('\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>',
                                   '\tjne\t0xffffffff81400000 <seccomp_suspended_syscall>')
        ok, text = s8.compare(*self.files(series))
        self.assertTrue(ok, text)
        self.assertIn("suspended branch's tail call to seccomp_suspended_syscall()", text)
        series = self.BASE.replace('\tcallq\t*%rax', '\tjmp\t0xffffffff81400000 <seccomp_suspended_syscall>')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('do_syscall_64() calls jmp:seccomp_suspended_syscall', text)
        # Two such jumps: the second is a call out.
        series = self.BASE.replace('\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>',
                                   '\tjne\t0xffffffff81400000 <seccomp_suspended_syscall>')
        series = series.replace('\ttestb\t$0x1, 0x33(%rax)',
                                '\tje\t0xffffffff81400000 <seccomp_suspended_syscall>')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('__secure_computing() calls jmp:seccomp_suspended_syscall', text)

    def test_suspended_branch_instructions(self):
        # The tail call's own instructions (its argument's move and the
        # jump, two at most) are allowed with that jump only.
        tail = ('\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>\n'
                'ffffffff812ec725:      \tmovl\t%eax, %edi\n'
                'ffffffff812ec725:      \tjmp\t0xffffffff81400000 <seccomp_suspended_syscall>')
        series = self.BASE.replace('\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>', tail)
        ok, text = s8.compare(*self.files(series))
        self.assertTrue(ok, text)
        self.assertIn('__secure_computing 7/5', text)
        series = series.replace('\tmovl\t%eax, %edi', '\tmovl\t%eax, %edi\nffffffff812ec725: \tnop')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('__secure_computing() has 8 instructions, the base 5', text)
        # Without the jump, no instruction more is allowed.
        series = self.BASE.replace('\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>',
                                   '\tjne\t0xffffffff812ec72a <__secure_computing+0x5a>\n'
                                   'ffffffff812ec725:      \tmovl\t%eax, %edi')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('__secure_computing() has 6 instructions, the base 5', text)

    def test_filter_code_calls_out(self):
        # What make bench found once: the filters' code, now in two
        # instances, called bpf_prog_run_pin_on_cpu() where the base
        # inlined it.
        fn = ('\nffffffff812ec790 <__seccomp_filter>:\n'
              'ffffffff812ec790:      \tpushq\t%rbp\n'
              'ffffffff812ec791:      \tcallq\t*0x48(%rbx)\n'
              'ffffffff812ec792:      \tretq\n')
        base = self.BASE + fn
        series = self.BASE + fn.replace('\tcallq\t*0x48(%rbx)',
                                        '\tcallq\t0xffffffff81300000 <bpf_prog_run_pin_on_cpu>')
        saved = self.BASE
        try:
            self.BASE = base
            ok, text = s8.compare(*self.files(series))
        finally:
            self.BASE = saved
        self.assertFalse(ok)
        self.assertIn('__seccomp_filter() calls bpf_prog_run_pin_on_cpu', text)

    def test_indirect_call_other_register(self):
        # The same indirect call through another register is the same call;
        # a call through memory where the base called a register is not.
        ok, text = s8.compare(*self.files(self.BASE.replace('\tcallq\t*%rax', '\tcallq\t*%rbp')))
        self.assertTrue(ok, text)
        ok, text = s8.compare(*self.files(self.BASE.replace('\tcallq\t*%rax', '\tcallq\t*0x48(%rbp)')))
        self.assertFalse(ok)
        self.assertIn('do_syscall_64() calls *0x48(%reg)', text)

    def test_prefixed_call(self):
        series = self.BASE.replace('\tcallq\t0xffffffff81252050 <do_exit>',
                                   '\tcs\tcallq\t0xffffffff81252050 <do_exit>')
        ok, text = s8.compare(*self.files(series))
        self.assertTrue(ok, text)
        series = series.replace('<do_exit>', '<do_exit_helper>')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)

    def test_function_gone_or_new(self):
        series = self.BASE.replace('<do_syscall_64>:', '<do_syscall_64_new>:')
        ok, text = s8.compare(*self.files(series))
        self.assertFalse(ok)
        self.assertIn('do_syscall_64() is gone', text)
        self.assertIn('do_syscall_64_new() is new', text)


class KselftestRunner(unittest.TestCase):
    """tap.unwrap_kselftest on run_kselftest.sh's output."""

    OUT = """TAP version 13
1..1
# timeout set to 180
# selftests: seccomp: seccomp_suspend
# TAP version 13
# 1..3
# # Starting 3 tests from 1 test cases.
# ok 1 global.a
# not ok 2 global.b
# ok 3 global.c # SKIP no userns
# # FAILED: 1 / 3 tests passed.
not ok 1 selftests: seccomp: seccomp_suspend # exit=1
"""

    def run_parse(self, text):
        lines = tap.unwrap_kselftest(text.splitlines())
        return tap.parse(lines), tap.results_by_test(lines)

    def test_inner_tests_count(self):
        s, res = self.run_parse(self.OUT)
        self.assertEqual((s.passed, s.failed, s.skipped, s.problems), (1, 1, 1, []))
        self.assertEqual(res['selftests: seccomp: seccomp_suspend/global.b'], 'not ok')
        self.assertEqual(res['selftests: seccomp: seccomp_suspend/global.c'], 'skip')

    def test_timeout_in_the_runner(self):
        out = self.OUT.replace('# not ok 2 global.b\n# ok 3 global.c # SKIP no userns\n# # FAILED: 1 / 3 tests passed.\n', '')
        out = out.replace('# exit=1', '# TIMEOUT 180 seconds')
        s, _ = self.run_parse(out)
        self.assertEqual(s.status, 'FAIL')
        self.assertEqual(s.failed, 1)
        self.assertIn('1 of 3 subtest results', '; '.join(s.problems))

    def test_program_without_tap(self):
        out = """TAP version 13
1..1
# timeout set to 45
# selftests: ptrace: peeksiginfo
# PASS
ok 1 selftests: ptrace: peeksiginfo
"""
        s, res = self.run_parse(out)
        self.assertEqual((s.passed, s.failed, s.problems), (1, 0, []))
        s, _ = self.run_parse(out.replace('ok 1 selftests', 'not ok 1 selftests'))
        self.assertEqual(s.status, 'FAIL')

    def test_runner_output_lost(self):
        # /dev/stdout missing in the guest: the runner's inner lines went
        # to a file, and the program's result alone is left.  Counted as
        # one test, so a suite of many shows up as one in the report and
        # the oracle's test names (the guest makes /dev/stdout now).
        s, res = self.run_parse("TAP version 13\n1..1\n# selftests: seccomp: seccomp_bpf\n"
                                "ok 1 selftests: seccomp: seccomp_bpf\n")
        self.assertEqual(s.passed, 1)
        self.assertEqual(list(res), ['selftests: seccomp: seccomp_bpf'])

    def test_header_never_closed(self):
        # A program of another suite that prints a runner-like header: its
        # lines stay as they were, nothing is swallowed.
        text = 'TAP version 13\n1..2\n# selftests: a: b\nok 1 x\nok 2 y\n'
        self.assertEqual(tap.unwrap_kselftest(text.splitlines()), text.splitlines())
        s, _ = self.run_parse(text)
        self.assertEqual((s.passed, s.problems), (2, []))

    def test_result_of_another_program_does_not_close(self):
        text = ('TAP version 13\n1..1\n# selftests: a: b\n# ok 1 t\n'
                'ok 1 selftests: a: c\n')
        self.assertEqual(tap.unwrap_kselftest(text.splitlines()), text.splitlines())

    def test_plain_tap_untouched(self):
        text = 'TAP version 13\n1..1\n# comment\nok 1 x\n'
        self.assertEqual(tap.unwrap_kselftest(text.splitlines()), text.splitlines())


class FuzzCompare(unittest.TestCase):
    """scripts/fuzz.py: seccomp_fuzz outputs compared step by step."""

    OUT = """# seccomp_fuzz seed 5 sequences 0..1
0.0 tracee none, 0 filters, tracer
0.1 seize 0x200000 = 0
0.2 setoptions 0x100000000 = -1 EINVAL
0.99 end
1.0 tracee filter, 1 filters, tracer -SYS_ADMIN
1.1 seize 0x200000 = -1 EPERM
1.2 getppid = -1 E42
1.99 end
# done
"""

    def runs(self, *texts, suite_file=False):
        import tempfile
        d = tempfile.mkdtemp()
        out = []
        for i, t in enumerate(texts):
            if suite_file:
                t = 'TAP version 13\n1..1\n' + ''.join('# ' + x + '\n' for x in t.splitlines()) + 'ok 1 fuzz\n'
            path = os.path.join(d, 'k%d' % i)
            with open(path, 'w') as f:
                f.write(t)
            out.append(('k%d' % i, fuzz.read(path)))
        return fuzz.compare(out)

    def test_same(self):
        ok, rep = self.runs(self.OUT, self.OUT, self.OUT)
        self.assertTrue(ok, rep)
        self.assertIn('all 2 sequences the same on k0, k1, k2', rep)
        self.assertIn('k0: seed 5, 2 sequences, 8 steps', rep)

    def test_suite_file_form(self):
        ok, rep = self.runs(self.OUT, self.OUT, suite_file=True)
        self.assertTrue(ok, rep)

    def test_one_step_differs(self):
        # The Rust path answering EINVAL where C answers EIO, once.
        other = self.OUT.replace('0.2 setoptions 0x100000000 = -1 EINVAL', '0.2 setoptions 0x100000000 = -1 EIO')
        ok, rep = self.runs(self.OUT, other)
        self.assertFalse(ok)
        self.assertIn('DIFFERENCE: seed 5, sequence 0, step 2 (rerun: seccomp_fuzz 5 1 0 1 2)', rep)
        self.assertIn('    0.2 setoptions 0x100000000 = -1 EIO', rep)
        self.assertNotIn('    0.99 end', rep)
        self.assertIn('1 of 2 sequences differ: 0', rep)

    def test_missing_step(self):
        other = self.OUT.replace('1.2 getppid = -1 E42\n', '')
        ok, rep = self.runs(self.OUT, other)
        self.assertFalse(ok)
        self.assertIn('DIFFERENCE: seed 5, sequence 1, step 2 (rerun: seccomp_fuzz 5 1 1 1 2)', rep)

    def test_shortest_difference_shown(self):
        # Sequence 0 differs at its third line, sequence 1 at its second:
        # sequence 1 is the shorter reproduction, though numbered later.
        other = self.OUT.replace('0.2 setoptions 0x100000000 = -1 EINVAL', '0.2 setoptions 0x100000000 = -1 EIO')
        other = other.replace('1.1 seize 0x200000 = -1 EPERM', '1.1 seize 0x200000 = 0')
        ok, rep = self.runs(self.OUT, other)
        self.assertFalse(ok)
        self.assertIn('DIFFERENCE: seed 5, sequence 1, step 1 (rerun: seccomp_fuzz 5 1 1 1 1)', rep)
        self.assertNotIn('    0.2 setoptions 0x100000000 = -1 EIO', rep)
        self.assertIn('2 of 2 sequences differ: 0 1', rep)

    def test_step_of_the_difference_is_the_earliest(self):
        # One kernel ends where the other prints a line of step 2 more:
        # the difference is at step 2, not at the end (99).
        other = self.OUT.replace('1.2 getppid = -1 E42\n1.99 end', '1.99 end')
        ok, rep = self.runs(other, self.OUT)
        self.assertIn('DIFFERENCE: seed 5, sequence 1, step 2 (rerun: seccomp_fuzz 5 1 1 1 2)', rep)
        # A run whose sequence ended early (a harness line, step 0) listed
        # first: the step is the other kernel's, and the line is shown.
        other = self.OUT.replace('1.2 getppid = -1 E42', '1.0 harness: sequence ended with status 0x9')
        ok, rep = self.runs(other, self.OUT)
        self.assertIn('DIFFERENCE: seed 5, sequence 1, step 2 (rerun: seccomp_fuzz 5 1 1 1 2)', rep)
        self.assertIn('    1.0 harness: sequence ended with status 0x9', rep)

    def test_setup_difference_reruns_whole(self):
        other = self.OUT.replace('1.0 tracee filter, 1 filters, tracer -SYS_ADMIN', '1.0 tracee filter, 1 filters, tracer')
        ok, rep = self.runs(self.OUT, other)
        self.assertIn('DIFFERENCE: seed 5, sequence 1, step 0 (rerun: seccomp_fuzz 5 1 1)', rep)

    def test_first_sequences_only(self):
        # The debug kernel runs the first of the check's sequences.
        import tempfile
        d = tempfile.mkdtemp()
        short = self.OUT.replace('sequences 0..1', 'sequences 0..0')
        short = short[:short.index('1.0 ')] + '# done\n'
        paths = []
        for name, text in (('all', self.OUT), ('first', short)):
            paths.append(os.path.join(d, name))
            with open(paths[-1], 'w') as f:
                f.write(text)
        args = ['fuzz.py', 'compare', 'a=' + paths[0], 'b=' + paths[1]]
        import contextlib
        import io
        with contextlib.redirect_stdout(io.StringIO()):
            self.assertEqual(fuzz.main(args), 1)
            self.assertEqual(fuzz.main(args[:2] + ['--first', '1'] + args[2:]), 0)
            self.assertEqual(fuzz.main(args[:2] + ['--first', '2'] + args[2:]), 1)

    def test_unfinished(self):
        ok, rep = self.runs(self.OUT, self.OUT.replace('# done\n', ''))
        self.assertFalse(ok)
        self.assertIn('k1: seed 5, 2 sequences, 8 steps, DID NOT FINISH', rep)

    def test_other_seed(self):
        ok, rep = self.runs(self.OUT, self.OUT.replace('seed 5', 'seed 6'))
        self.assertFalse(ok)


def main():
    tests = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    flat = []

    def walk(t):
        if isinstance(t, unittest.TestSuite):
            for x in t:
                walk(x)
        else:
            flat.append(t)
    walk(tests)
    print('KTAP version 1')
    print('1..%d' % len(flat))
    failed = 0
    for i, t in enumerate(flat, 1):
        result = unittest.TestResult()
        t.run(result)
        name = t.id().split('.', 1)[1]
        if result.wasSuccessful():
            print('ok %d %s' % (i, name))
        else:
            failed += 1
            for _, tb in result.failures + result.errors:
                for line in tb.splitlines():
                    print('# ' + line)
            print('not ok %d %s' % (i, name))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
