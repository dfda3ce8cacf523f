#!/usr/bin/env python3
"""Figures of one bench/real.sh run on one codebase, and the side-by-side table.

  real_report.py row NAME OUTDIR DB      -> OUTDIR/NAME.metrics.json
  real_report.py table OUTDIR [NAME...]  -> markdown on standard output

`row` reads what bench/real.sh left in OUTDIR for codebase NAME:
  NAME.json            racelint's JSON report (docs/json-format.md)
  NAME.err             racelint's standard error (-v: units, phase timings,
                       summary line, warnings, parse failures)
  NAME.time            GNU time -v of the racelint run
  NAME.rc              racelint's exit status
  NAME.libclang.txt    libclang_parse.py's output
  NAME.libclang.time   GNU time -v of libclang_parse.py
and DB, the compilation database both were given.  From the report it takes
the findings by rule and the threads the findings name: every distinct
(entry function, spawn position) of a non-main event, which of them are
multi-instance, and the functions at the root of the main thread's chains
(the `main`s the analysis started from; several programs in one database show
up here).  It also lists the database's units that define `main` once
preprocessed with their own flags (the programs the database holds).

`table` writes the timing table (wall, CPU, peak RSS of racelint and of
libclang's in-process parse of the same units at the same -j), the findings
table, and per codebase the notes: racelint's own lines (verbose summary,
warnings, parse failures) and the thread/program figures.  Only stdlib.
"""
import collections
import json
import os
import re
import subprocess
import sys

MAIN_RE = re.compile(r'^\s*(?:(?:static|extern)\s+)?(?:int|void)\s+main\s*\(', re.M)


def read(path, default=''):
    try:
        with open(path, encoding='utf-8', errors='replace') as f:
            return f.read()
    except OSError:
        return default


def gnu_time(path):
    """wall s, user+sys s, max RSS MiB, exit status from `time -v` output."""
    t = read(path)
    out = {'wall': None, 'cpu': None, 'rss_mib': None}
    m = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', t)
    if m:
        parts = [float(x) for x in m.group(1).split(':')]
        s = 0.0
        for p in parts:
            s = s * 60 + p
        out['wall'] = round(s, 2)
    u = re.search(r'User time \(seconds\): ([\d.]+)', t)
    s_ = re.search(r'System time \(seconds\): ([\d.]+)', t)
    if u and s_:
        out['cpu'] = round(float(u.group(1)) + float(s_.group(1)), 2)
    m = re.search(r'Maximum resident set size \(kbytes\): (\d+)', t)
    if m:
        out['rss_mib'] = round(int(m.group(1)) / 1024)
    m = re.search(r'Command terminated by signal (\d+)', t)
    if m:
        out['signal'] = int(m.group(1))
    return out


def defines_main(e, path):
    """Whether the unit defines main once preprocessed with its own flags
    (a main under #ifdef TEST does not count); the source text alone when
    the preprocessor cannot be run."""
    if not MAIN_RE.search(read(path)):
        return False
    try:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus'))
        from ccdb_tool import parse_args_for
        args = []
        for a in parse_args_for(e, os.environ.get('CLANG', 'clang')):
            args += ['-E', '-P'] if a == '-fsyntax-only' else [a]
        p = subprocess.run(args, cwd=e['directory'], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True, errors='replace', timeout=120)
        if p.returncode == 0:
            return bool(MAIN_RE.search(p.stdout))
    except (OSError, subprocess.SubprocessError, ImportError):
        pass
    return True


def programs_in(db):
    mains = []
    for e in db:
        f = e['file']
        if not os.path.isabs(f):
            f = os.path.normpath(os.path.join(e['directory'], f))
        if defines_main(e, f):
            mains.append(f)
    return mains


def rel(path, root):
    if path and root and path.startswith(root.rstrip('/') + '/'):
        return path[len(root.rstrip('/')) + 1:]
    return path


def row(name, outdir, dbpath):
    db = json.load(open(dbpath))
    root = os.path.dirname(os.path.abspath(dbpath))
    m = {'name': name, 'units': len(db)}
    m['commit'] = read(os.path.join(root, '.corpus_commit')).strip() or None
    mains = programs_in(db)
    m['programs'] = len(mains)
    m['program_units'] = [rel(f, root) for f in mains]

    lc = read(os.path.join(outdir, name + '.libclang.txt'))
    mm = re.search(r'runs ([\d. ]+) s, mean ([\d.]+) s, TUs with errors (\d+)', lc)
    m['libclang'] = gnu_time(os.path.join(outdir, name + '.libclang.time'))
    if mm:
        m['libclang']['parse_runs'] = [float(x) for x in mm.group(1).split()]
        m['libclang']['parse_mean'] = float(mm.group(2))
        m['libclang']['tus_with_errors'] = int(mm.group(3))

    rl = gnu_time(os.path.join(outdir, name + '.time'))
    rc = read(os.path.join(outdir, name + '.rc')).strip()
    rl['exit'] = int(rc) if rc.lstrip('-').isdigit() else None
    err = read(os.path.join(outdir, name + '.err'))
    rl['stderr'] = [l for l in err.splitlines() if l.strip()]
    phases = {}
    for l in rl['stderr']:
        mt = re.match(r'racelint: (timings|model) \(ms\): (.*)', l)
        if mt:
            for k, v in re.findall(r'([a-z][a-z -]*?) (\d+)(?:,|$)', mt.group(2)):
                phases[(mt.group(1) + ' ' + k.strip()) if mt.group(1) == 'model' else k.strip()] = int(v)
        mu = re.match(r'racelint: (\d+) units? parsed, (\d+) cached', l)
        if mu:
            rl['parsed'], rl['cached'] = int(mu.group(1)), int(mu.group(2))
    rl['phases_ms'] = phases
    rl['summary'] = next((l for l in rl['stderr'] if re.match(r'racelint: \d+ findings? in', l)), None)
    rl['warnings'] = [l for l in rl['stderr'] if 'warning' in l or 'error' in l]

    rep = None
    try:
        rep = json.load(open(os.path.join(outdir, name + '.json')))
    except (OSError, ValueError):
        pass
    if rep is not None:
        run = rep.get('run') or {}
        rl['files'] = run.get('files')
        rl['units_failed'] = run.get('units_failed')
        rl['status'] = run.get('status')
        rules = collections.Counter(f['rule'] for f in rep['findings'])
        rl['findings'] = len(rep['findings'])
        rl['by_rule'] = dict(rules.most_common())
        rl['suppressed'] = sum(1 for f in rep['findings'] if f.get('suppressed'))
        threads, roots, locs = {}, collections.Counter(), collections.Counter()
        for f in rep['findings']:
            locs[f.get('location')] += 1
            for e in f.get('events', []):
                t = e.get('thread')
                if t is None:
                    continue
                chain = e.get('chain') or []
                if t == 'main':
                    if chain:
                        c = chain[0]
                        roots['%s (%s:%s)' % (c['function'], rel(c['file'], root), c['line'])] += 1
                    continue
                sp = e.get('spawn')
                key = '%s @ %s' % (t, '%s:%s' % (rel(sp['file'], root), sp['line']) if sp else '?')
                d = threads.setdefault(key, {'events': 0, 'multi': False})
                d['events'] += 1
                d['multi'] = d['multi'] or bool(e.get('multi_instance'))
        rl['threads'] = threads
        rl['thread_entries'] = len({k.split(' @ ')[0] for k in threads})
        rl['main_roots'] = dict(roots.most_common())
        rl['top_locations'] = locs.most_common(5)
    m['racelint'] = rl
    with open(os.path.join(outdir, name + '.metrics.json'), 'w') as f:
        json.dump(m, f, indent=1)


def fmt(v, spec='%s'):
    return '-' if v is None else spec % v


def table(outdir, names):
    ms = []
    for n in names:
        try:
            ms.append(json.load(open(os.path.join(outdir, n + '.metrics.json'))))
        except (OSError, ValueError):
            pass
    o = []
    o.append('| codebase | units | libclang parse (s) | libclang peak RSS (MiB) | racelint wall (s) '
             '| racelint CPU (s) | racelint peak RSS (MiB) | wall / libclang | RSS / libclang '
             '| racelint parse / model / rules (ms) | exit |')
    o.append('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|')
    for m in ms:
        lc, rl = m['libclang'], m['racelint']
        lwall = lc.get('parse_mean') or lc.get('wall')
        ratio = rl['wall'] / lwall if rl.get('wall') and lwall else None
        rss = rl['rss_mib'] / lc['rss_mib'] if rl.get('rss_mib') and lc.get('rss_mib') else None
        ph = rl.get('phases_ms', {})
        phs = '%s / %s / %s' % (fmt(ph.get('parse')), fmt(ph.get('model')), fmt(ph.get('rules')))
        ex = fmt(rl.get('exit'))
        if rl.get('signal'):
            ex += ' (signal %d)' % rl['signal']
        o.append('| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            m['name'], m['units'], fmt(lwall, '%.2f'), fmt(lc.get('rss_mib')), fmt(rl.get('wall'), '%.2f'),
            fmt(rl.get('cpu'), '%.2f'), fmt(rl.get('rss_mib')), fmt(ratio, '%.2f'), fmt(rss, '%.2f'), phs, ex))
    o.append('')
    o.append('| codebase | commit | programs (units with main) | units failed (libclang / racelint) '
             '| findings | by rule | threads (entry @ spawn) | multi-instance | main roots |')
    o.append('|---|---|---:|---|---:|---|---:|---:|---:|')
    for m in ms:
        lc, rl = m['libclang'], m['racelint']
        rules = ', '.join('%s %d' % kv for kv in rl.get('by_rule', {}).items()) or '-'
        th = rl.get('threads')
        o.append('| %s | %s | %d | %s / %s | %s | %s | %s | %s | %s |' % (
            m['name'], (m.get('commit') or '-')[:12], m['programs'], fmt(lc.get('tus_with_errors')),
            fmt(rl.get('units_failed')), fmt(rl.get('findings')), rules,
            fmt(len(th) if th is not None else None),
            fmt(sum(1 for t in th.values() if t['multi']) if th is not None else None),
            fmt(len(rl['main_roots']) if 'main_roots' in rl else None)))
    o.append('')
    for m in ms:
        rl = m['racelint']
        o.append('### %s' % m['name'])
        o.append('')
        o.append('- programs in the database (%d units define `main`, in database order): %s' % (
            m['programs'], ', '.join('`%s`' % p for p in m['program_units'][:12]) +
            (' ...' if len(m['program_units']) > 12 else '')))
        if rl.get('main_roots') is not None:
            o.append('- main-thread chains start at: %s' % (', '.join(
                '`%s` (%d events)' % kv for kv in rl['main_roots'].items()) or 'none'))
            o.append('- threads named by findings: %s' % (', '.join(
                '`%s`%s (%d events)' % (k, ' multi' if v['multi'] else '', v['events'])
                for k, v in sorted(rl['threads'].items(), key=lambda kv: -kv[1]['events'])) or 'none'))
            o.append('- top locations: %s' % ', '.join('`%s` %d' % tuple(kv) for kv in rl['top_locations']))
        o.append('- racelint said (stderr, first 15 lines):')
        o.append('')
        o.append('```')
        o.extend(rl['stderr'][:15] or ['(nothing)'])
        if len(rl['stderr']) > 15:
            o.append('... %d more lines' % (len(rl['stderr']) - 15))
        o.append('```')
        o.append('')
    print('\n'.join(o))


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == 'row':
        row(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 3 and sys.argv[1] == 'table':
        names = sys.argv[3:]
        if not names:
            names = sorted(f[:-len('.metrics.json')] for f in os.listdir(sys.argv[2])
                           if f.endswith('.metrics.json'))
        table(sys.argv[2], names)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
