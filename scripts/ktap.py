#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn what a clfs test run produced into KTAP, and sum it all up.

  ktap.py guest --name N --results R --console C --qemu-status S [--expect-suites A,B]
      One guest run -> one KTAP document on stdout. Every group the guest
      framed on its results port becomes a subtest; two more cases say
      whether the guest ended by itself and whether the kernel log is free
      of panics, oopses, BUG/WARN, KASAN, lockdep, hung tasks and leaks.
  ktap.py doc NAME [ok|not_ok|'#' CASE]...
      A small KTAP document for a host-side check; a '#' pair is a
      diagnostic line, shown with the case after it.
  ktap.py summary --kunit-dir DIR FILE...
      Nest every document as a subtest of one run, parse it with the
      kernel's own kunit_parser (tools/testing/kunit in DIR), print its
      report and the closing line 'N passed, N failed'. Exit 1 on any
      failure, crash, parse error or skip.
"""
import argparse
import re
import sys

# A line on the guest console that means the kernel is unhappy.
SPLAT = re.compile(
    r'Kernel panic - not syncing|BUG: |Oops|general protection fault|'
    r'WARNING: |------------\[ cut here \]|UBSAN: |KASAN: |'
    r'INFO: task .* blocked for more than|INFO: rcu_\w+ detected stalls|'
    r'unreferenced object 0x|possible circular locking|'
    r'inconsistent lock state|soft lockup')

# QEMU exit status with isa-debug-exit: (guest status << 1) | 1.
QEMU_STATUS = {
    1: None,
    3: 'the guest reported that a step could not run',
    0: 'the guest rebooted without reporting a status (panic?)',
    124: 'the guest timed out',
    137: 'the guest timed out and had to be killed',
}


def indent(lines, by='    '):
    return [by + l if l else l for l in lines]


def subtest(lines, num, name, ok, diag=None):
    """Nest a KTAP document (lines) as subtest num of the enclosing test."""
    out = []
    doc = [l for l in lines if l.strip()]
    if doc and re.match(r'\s*(KTAP|TAP) version', doc[0]):
        doc = doc[1:]
    if doc:
        out += ['    KTAP version 1', f'    # Subtest: {name}'] + indent(doc)
    if diag:
        out += [f'# {d}' for d in diag]
    out.append(f'{"ok" if ok else "not ok"} {num} {name}')
    return out


def read_groups(path):
    """Groups the guest framed on its results port, in order."""
    groups, cur = [], None
    try:
        text = open(path, errors='replace').read()
    except FileNotFoundError:
        return groups
    for line in text.replace('\r', '').split('\n'):
        m = re.match(r'#clfs-group (\S+)$', line)
        if m:
            cur = {'name': m.group(1), 'lines': [], 'rc': None}
            groups.append(cur)
            continue
        m = re.match(r'#clfs-end (\S+) (\d+)$', line)
        if m and cur:
            cur['rc'] = int(m.group(2))
            cur = None
            continue
        if cur is not None:
            cur['lines'].append(line)
    return groups


TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\] ')


def split_kunit_log(text_lines):
    """Kernel log of a KUnit module load -> [(suite, KTAP document)].

    In module mode each suite prints an indented '    KTAP version 1',
    '    # Subtest: NAME', its cases, and an unindented '(not )ok N NAME'.
    Timestamps are stripped and unindented non-KTAP lines (other kernel
    messages, KASAN reports: those are judged from the console) dropped;
    each suite gets its own header and plan, as kunit_parser wants."""
    lines = [TIMESTAMP.sub('', l) for l in text_lines]
    suites, i = [], 0
    while i < len(lines):
        m = re.match(r'    # Subtest: (\S+)$', lines[i])
        if not (m and i > 0 and lines[i - 1] == '    KTAP version 1'):
            i += 1
            continue
        name, body, i = m.group(1), ['    KTAP version 1', lines[i]], i + 1
        end = re.compile(r'(not ok|ok) \d+ ' + re.escape(name) + r'(\s|$)')
        while i < len(lines) and not end.match(lines[i]):
            if re.match(r'\s|# ', lines[i]):
                body.append(lines[i])
            i += 1
        if i < len(lines):
            body.append(re.sub(r'^(not ok|ok) \d+', r'\1 1', lines[i]))
            i += 1
        suites.append((name, ['KTAP version 1', '1..1'] + body))
    return suites


def expand_groups(groups, only):
    """Replace every kunit-log group by one group per suite it ran."""
    out = []
    for g in groups:
        if not g['name'].startswith('kunit-log.'):
            out.append(g)
            continue
        suites = split_kunit_log(g['lines'])
        if not suites:
            out.append({'name': g['name'], 'rc': g['rc'],
                        'lines': ['KTAP version 1', '1..1',
                                  f'not ok 1 {g["name"]}_ran_no_suite']})
        for name, doc in suites:
            if only and only not in name:
                continue
            out.append({'name': f'kunit.{name}', 'lines': doc, 'rc': g['rc']})
    return out


def doc_ok(lines):
    """A document passes when no result line at any depth says 'not ok'
    and its top-level plan is met. The real verdict comes from
    kunit_parser in summary; this only sets the wrapper's own line."""
    top = [l for l in lines if re.match(r'(ok|not ok) \d+', l)]
    plan = [l for l in lines if re.match(r'1\.\.\d+$', l)]
    if any(re.match(r'\s*not ok ', l) for l in lines):
        return False
    if plan and len(top) != int(plan[0][3:]):
        return False
    return bool(top)


def cmd_guest(args):
    out, num = [], 0
    groups = expand_groups(read_groups(args.results), args.only)
    for g in groups:
        num += 1
        diag = []
        ok = doc_ok(g['lines'])
        if g['rc'] is None:
            ok = False
            diag.append(f'group {g["name"]} never finished')
        elif g['rc'] != 0:
            ok = False
            diag.append(f'group {g["name"]} exited with status {g["rc"]}')
        out += subtest(g['lines'], num, g['name'], ok, diag)
    seen = {g['name'] for g in groups}
    for suite in filter(None, (args.expect_suites or '').split(',')):
        if args.only and args.only not in suite:
            continue
        if f'kunit.{suite}' not in seen:
            num += 1
            out.append(f'# KUnit suite {suite} is in tests/kunit but did not run')
            out.append(f'not ok {num} kunit.{suite}')

    if args.qemu_status == 'killed':    # a power cut, on purpose
        why = None
    else:
        status = int(args.qemu_status)
        why = QEMU_STATUS.get(status, f'QEMU failed (exit status {status})')
    num += 1
    if why:
        out.append(f'# {args.name}: {why}')
        print(f'[clfs] {args.name}: {why}', file=sys.stderr)
    out.append(f'{"not ok" if why else "ok"} {num} {args.name}.guest_exit')

    console = open(args.console, errors='replace').read().replace('\r', '').split('\n') \
        if args.console else []
    splat = next((i for i, l in enumerate(console) if SPLAT.search(l)), None)
    num += 1
    if splat is not None:
        excerpt = console[max(0, splat - 5):splat + 60]
        print(f'[clfs] {args.name}: kernel log shows a failure:', file=sys.stderr)
        print('\n'.join(excerpt), file=sys.stderr)
        out.append(f'# {args.name}: kernel log: {console[splat].strip()}')
    out.append(f'{"not ok" if splat is not None else "ok"} {num} {args.name}.kernel_log_clean')
    print('\n'.join(['KTAP version 1', f'1..{num}'] + out))
    return 0


def cmd_doc(args):
    cases = list(zip(args.cases[0::2], args.cases[1::2]))
    lines, num = [], 0
    for verdict, case in cases:
        if verdict == '#':              # a diagnostic for the next case
            lines.append(f'# {case}')
            continue
        num += 1
        lines.append(f'{verdict.replace("_", " ")} {num} {case}')
    print('\n'.join(['KTAP version 1', f'1..{num}'] + lines))
    return 0


def cmd_summary(args):
    sys.path.insert(0, f'{args.kunit_dir}')
    import kunit_parser  # the kernel's own KTAP parser

    lines = []
    for num, path in enumerate(args.files, 1):
        name = re.sub(r'\.ktap$', '', path.split('/')[-1])
        try:
            doc = open(path, errors='replace').read().split('\n')
        except FileNotFoundError:
            doc = []
        lines += subtest(doc, num, name, doc_ok(doc),
                         None if doc else [f'{path} is missing'])
    full = ['KTAP version 1', f'1..{len(args.files)}'] + lines
    if args.save:
        open(args.save, 'w').write('\n'.join(full) + '\n')
    test = kunit_parser.parse_run_tests(l + '\n' for l in full)
    c = test.counts
    failed = c.failed + c.crashed + c.errors
    line = f'{c.passed} passed, {failed} failed'
    if c.skipped:
        line += f', {c.skipped} skipped'
    print(line)
    return 0 if failed == 0 and c.skipped == 0 and c.passed > 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('guest')
    g.add_argument('--name', required=True)
    g.add_argument('--results', required=True)
    g.add_argument('--console')
    g.add_argument('--qemu-status', required=True)
    g.add_argument('--expect-suites')
    g.add_argument('--only')
    d = sub.add_parser('doc')
    d.add_argument('name')
    d.add_argument('cases', nargs='*')
    s = sub.add_parser('summary')
    s.add_argument('--kunit-dir', required=True)
    s.add_argument('--save')
    s.add_argument('files', nargs='+')
    args = p.parse_args()
    return {'guest': cmd_guest, 'doc': cmd_doc, 'summary': cmd_summary}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
