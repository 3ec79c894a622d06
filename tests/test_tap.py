#!/usr/bin/env python3
"""Tests of scripts/tap.py: TAP/KTAP parsing, splitting the guest output,
and splat detection on a recorded console log.  Prints KTAP."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'scripts'))
import tap  # noqa: E402


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

    def test_warn_found(self):
        found = tap.splats(self.read('console-warn.log'))
        self.assertTrue(any(x.startswith('WARNING: CPU:') for x in found))

    def test_clean_boot(self):
        self.assertEqual(tap.splats(self.read('console-clean.log')), [])

    def test_kunit_extracted(self):
        ktap = tap.kunit_from_console(self.read('console-clean.log'))
        s = tap.parse(ktap)
        self.assertEqual((s.passed, s.failed, s.skipped, s.problems), (114, 0, 0, []))



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
