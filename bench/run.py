#!/usr/bin/python3
"""tcplife's performance benchmark: tshark with tcplife against stock tshark and Lua.

Usage (bench/run.sh passes its arguments here):
  bench/run.sh [--write] [--reps N] [--packets N] [--no-profile] [--only GROUP,...]
  bench/run.sh --tiny          # ~2k-packet captures, 1 repetition, no profile: a smoke test

Measures, alternating the commands of each comparison (ABAB..., --reps times,
medians reported), wall time, CPU time (user+sys) and peak RSS (/usr/bin/time)
of tshark with tcplife against tshark with --disable-protocol tcplife, and
against a Lua post-dissector (bench/lua/tcp_phase.lua); per-stream and
per-packet memory; linearity (full against half-size captures); and, with
callgrind, where tcplife's instructions go.  --write regenerates BENCHMARKS.md.

The plugin is $TCPLIFE_PLUGIN, or --plugin, or else it is built with
  cmake -S <repo> -B /tmp/bench-build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build /tmp/bench-build -j2
Captures are generated on demand by bench/gen_captures.py into --dir
(default /var/tmp/tcplife-bench).  As root, tshark runs as `nobody` (tshark
ignores WIRESHARK_PLUGIN_DIR for root) with the plugin staged once in a
world-readable folder.

Exit status: 0 when every run worked and every sanity check passed (missed
performance targets are reported, not failures); 1 otherwise.
"""

import argparse
import datetime
import glob
import hashlib
import os
import pickle
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gen_captures  # noqa: E402

NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
TIME = '/usr/bin/time'
LUA = os.path.join(HERE, 'lua', 'tcp_phase.lua')

# Targets of the issue.
TARGET_FIELDS = 1.05      # one pass and two passes, time
TARGET_VERBOSE = 1.02     # -V, time
TARGET_RSS = 1.05         # peak memory
TARGET_STREAM_BYTES = 256
TARGET_PACKET_BYTES = 16  # tcplife's own, on top of Wireshark's per-packet data node
TARGET_LUA = 10.0         # Lua's added time / tcplife's added time
# Wireshark's per-packet data node that p_add_proto_data() would add (a
# 16-byte proto_data_t with its 8-byte wmem chunk header and a 16-byte GSList
# link).  tcplife keeps a frame's first TCP layer in its own frame-indexed
# table (plugin/tcplife_records.c) and uses no such node, so all of the
# per-packet ΔRSS is its own.
WS_NODE_BYTES = 16 + 8 + 16
SUMMARY_OFF = ['-o', 'tcplife.stream_summary:FALSE']


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- the environment -----------------------------------------------------------

class Env:
    """A staged plugin and Lua script, and a way to run tshark with them."""

    def __init__(self, plugin, tshark='tshark'):
        self.tshark = tshark
        out = subprocess.run([tshark, '--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        self.version_line = out.splitlines()[0]
        m = re.search(r'\(Wireshark\) (\d+)\.(\d+)\.(\d+)', self.version_line)
        self.ws_version = '%s.%s' % (m.group(1), m.group(2))
        self.has_lua = 'with Lua' in out
        self.root = tempfile.mkdtemp(prefix='tcplife-bench-')
        os.chmod(self.root, 0o755)
        self.plugin_dir = os.path.join(self.root, 'plugins')
        self.plugin_so = self.stage_plugin(plugin, self.plugin_dir)
        self.home = os.path.join(self.root, 'home')
        os.makedirs(self.home)
        os.chmod(self.home, 0o777)
        self.scratch = os.path.join(self.root, 'scratch')
        os.makedirs(self.scratch)
        os.chmod(self.scratch, 0o777)
        self.lua = os.path.join(self.root, 'tcp_phase.lua')
        shutil.copyfile(LUA, self.lua)
        os.chmod(self.lua, 0o644)
        self.as_nobody = os.geteuid() == 0

    def stage_plugin(self, plugin, plugin_dir):
        epan = os.path.join(plugin_dir, self.ws_version, 'epan')
        os.makedirs(epan, exist_ok=True)
        for d in (plugin_dir, os.path.dirname(epan), epan):
            os.chmod(d, 0o755)
        dest = os.path.join(epan, 'tcplife.so')
        shutil.copyfile(plugin, dest)
        os.chmod(dest, 0o755)
        return dest

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def prefix(self, plugin=True, plugin_dir=None):
        env = ['env', '-i', 'HOME=' + self.home, 'TZ=UTC', 'LC_ALL=C.UTF-8',
               'PATH=' + os.environ.get('PATH', '/usr/bin:/bin')]
        if plugin:
            env.append('WIRESHARK_PLUGIN_DIR=' + (plugin_dir or self.plugin_dir))
        return (NOBODY if self.as_nobody else []) + env

    def command(self, args, plugin=True):
        return self.prefix(plugin) + [self.tshark] + args

    def check_loaded(self):
        out = subprocess.run(self.command(['-G', 'plugins']), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, cwd=self.root).stdout
        return os.path.join(self.plugin_dir, self.ws_version, 'epan', 'tcplife.so') in out


def timed(cmd, cwd, stdout_path=os.devnull):
    """Runs cmd; returns (wall s, cpu s, peak RSS KiB, returncode, stderr)."""
    tf = tempfile.NamedTemporaryFile(prefix='tcplife-time-', delete=False)
    tf.close()
    full = [TIME, '-f', '%e %U %S %M', '-o', tf.name] + cmd
    with open(stdout_path, 'wb') as out:
        proc = subprocess.run(full, stdout=out, stderr=subprocess.PIPE, cwd=cwd)
    with open(tf.name) as f:
        lines = [l for l in f.read().splitlines() if re.match(r'^[\d.]+ [\d.]+ [\d.]+ \d+$', l)]
    os.unlink(tf.name)
    if not lines:
        return None, None, None, proc.returncode, proc.stderr.decode(errors='replace')
    e, u, s, m = lines[-1].split()
    return float(e), float(u) + float(s), int(m), proc.returncode, proc.stderr.decode(errors='replace')


# ---- what is measured ------------------------------------------------------------

class Variant:
    def __init__(self, key, args, plugin=True, shown=None):
        self.key, self.args, self.plugin = key, args, plugin
        self.shown = shown  # the command as documented (None: derived from args)
        self.samples = []   # (wall, cpu, rss)

    def median(self, i):
        vals = [s[i] for s in self.samples]
        return statistics.median(vals) if vals else None

    wall = property(lambda self: self.median(0))
    cpu = property(lambda self: self.median(1))
    rss = property(lambda self: self.median(2))


class Group:
    """Commands compared against each other on one capture, run alternately."""

    def __init__(self, key, title, capture, variants, note=None):
        self.key, self.title, self.capture, self.variants = key, title, capture, variants
        self.note = note
        self.by = {v.key: v for v in variants}


def groups_by_key(groups):
    return {g.key: g for g in groups}


def fields_args(extra, *fields):
    args = list(extra) + ['-T', 'fields']
    for f in fields:
        args += ['-e', f]
    return args


OFF = ['--disable-protocol', 'tcplife']

# The comparisons on the mix capture after the two `-T fields` ones, in the order of the
# report: (key, title, ((variant, tshark args), ...)).  'streams' only where the plugin has
# the `-z tcplife,streams` report.
OTHER_GROUPS = (
    ('verbose', 'full tree, `-V`',
     (('stock', OFF + ['-V']), ('tcplife', ['-V']), ('nosummary', SUMMARY_OFF + ['-V']))),
    ('streams', 'streams report, `-q -z tcplife,streams` vs `-q -z conv,tcp`',
     (('stock', OFF + ['-q', '-z', 'conv,tcp']), ('tcplife', ['-q', '-z', 'tcplife,streams']))),
    ('quiet', 'plain `-q`',
     (('stock', OFF + ['-q']), ('tcplife', ['-q']))),
    ('summary', 'summary lines (plain `tshark -r`)',
     (('stock', OFF), ('tcplife', []))),
    ('conv', '`-q -z conv,tcp` (a tap that needs no tree)',
     (('stock', OFF + ['-q', '-z', 'conv,tcp']), ('tcplife', ['-q', '-z', 'conv,tcp']))),
)


def fields_group(env, key, title, extra, capture, lua):
    """stock, tcplife, Lua (if tshark has it), tcplife without the stream summary and, in
    one pass, tshark without the plugin, all with `-T fields`."""
    vs = [Variant('stock', fields_args(extra + OFF, 'tcp.stream')),
          Variant('tcplife', fields_args(extra, 'tcp.stream', 'tcplife.phase'))]
    if env.has_lua:
        vs.append(Variant('lua', fields_args(extra + OFF + lua, 'tcp.stream', 'tcp_phase.phase')))
    vs.append(Variant('nosummary', fields_args(extra + SUMMARY_OFF, 'tcp.stream', 'tcplife.phase')))
    if key == 'fields1':
        vs.append(Variant('noplugin', fields_args(extra, 'tcp.stream'), plugin=False))
    return Group(key, title, capture, vs)


def comparison_groups(env, caps, has_streams, lua_script):
    mix = caps['mix']
    lua = ['-X', 'lua_script:' + lua_script]
    groups = [fields_group(env, 'fields1', 'one pass, `-T fields`', [], mix, lua),
              fields_group(env, 'fields2', 'two passes, `-2 -T fields`', ['-2'], mix, lua)]
    for key, title, variants in OTHER_GROUPS:
        if key != 'streams' or has_streams:
            groups.append(Group(key, title, mix, [Variant(v, list(args)) for v, args in variants]))
    return groups


def scale_groups(caps):
    """Memory and linearity: stock and tcplife on full and half captures."""
    groups = []
    for kind in ('scan', 'long'):
        vs = []
        for size in ('full', 'half'):
            vs.append(Variant('stock-' + size, fields_args(OFF, 'tcp.stream')))
            vs.append(Variant('tcplife-' + size, fields_args([], 'tcp.stream', 'tcplife.phase')))
            vs[-2].capture = vs[-1].capture = caps[kind + '-' + size]
        groups.append(Group(kind, kind, None, vs))
    return groups


VARIANT_NAMES = {'stock': 'stock', 'tcplife': '**tcplife**', 'lua': 'Lua', 'noplugin': 'no plugin',
                 'nosummary': 'tcplife, `stream_summary` off'}


def shown_command(v, capture):
    args = ' '.join(a if not a.startswith('lua_script:') else 'lua_script:bench/lua/tcp_phase.lua'
                    for a in v.args)
    env = '' if v.plugin else '(no WIRESHARK_PLUGIN_DIR) '
    return ' '.join(x for x in ('%stshark -r %s' % (env, os.path.basename(capture)), args, '> /dev/null') if x)


def warm_cache(g):
    """Reads the group's captures once, so that the first command timed does not read the disk."""
    for v in g.variants:
        cap = getattr(v, 'capture', None) or g.capture
        with open(cap, 'rb') as f:
            while f.read(1 << 24):
                pass


def run_group(env, g, reps, failures):
    for rep in range(reps):
        for v in g.variants:
            cap = getattr(v, 'capture', None) or g.capture
            cmd = env.command(['-r', cap] + v.args, plugin=v.plugin)
            wall, cpu, rss, rc, err = timed(cmd, env.scratch)
            if rc != 0 or wall is None:
                failures.append('%s/%s: tshark exited %s: %s' % (g.key, v.key, rc, err.strip()[-500:]))
                log('  FAILED %s/%s (rc %s)' % (g.key, v.key, rc))
                continue
            v.samples.append((wall, cpu, rss))
            log('  %-8s %-14s rep %d: %7.2f s wall %7.2f s cpu %8d KiB' % (g.key, v.key, rep + 1, wall, cpu, rss))


def memory_figures(scale, caps, cap_info):
    """ΔRSS per packet (the long connection) and per stream (the SYN scan, minus the per-packet
    share); None unless both scale groups ran every command."""
    sc = groups_by_key(scale)
    if 'scan' not in sc or 'long' not in sc:
        return None
    sg, lg = sc['scan'], sc['long']
    if not all(v.samples for v in sg.variants + lg.variants):
        return None
    per_packet = ((lg.by['tcplife-full'].rss - lg.by['stock-full'].rss) * 1024
                  / cap_info[caps['long-full']]['packets'])
    per_stream = ((sg.by['tcplife-full'].rss - sg.by['stock-full'].rss) * 1024
                  / cap_info[caps['scan-full']]['streams'])
    return {'per_packet': per_packet, 'per_stream': per_stream,
            'per_stream_own': per_stream - per_packet,
            'per_packet_own': per_packet}


def linearity(scale, what='cpu'):
    """{'scan stock': full/half time, ...} from the scale groups."""
    res = {}
    for g in scale:
        for who in ('stock', 'tcplife'):
            f, h = g.by[who + '-full'], g.by[who + '-half']
            if f.samples and h.samples:
                res['%s %s' % (g.key, who)] = getattr(f, what) / getattr(h, what)
    return res


# ---- sanity checks (every run, and the whole of the smoke test) ---------------

def tshark_output(env, args):
    """tshark with the plugin on args, as run(): text stdout and stderr."""
    return subprocess.run(env.command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, cwd=env.scratch)


def sanity(env, caps, has_streams, failures):
    """tcplife and the Lua script annotate every TCP packet of the small mix capture."""
    cap = caps['sanity']
    n = int(re.search(r'-(\d+)\.v\d+\.pcap$', cap).group(1))
    checks = [('tcplife', fields_args([], 'tcp.stream', 'tcplife.phase'))]
    if env.has_lua:
        checks.append(('lua', fields_args(OFF + ['-X', 'lua_script:' + env.lua], 'tcp.stream', 'tcp_phase.phase')))
    for name, args in checks:
        p = tshark_output(env, ['-r', cap] + args)
        rows = [l.split('\t') for l in p.stdout.splitlines()]
        good = [r for r in rows if len(r) == 2 and r[0] != '' and r[1] in ('1', '2', '3', '4')]
        if p.returncode != 0 or len(rows) != n or len(good) != n:
            failures.append('sanity %s: %d rows, %d annotated, %d packets (rc %d) %s' %
                            (name, len(rows), len(good), n, p.returncode, p.stderr[-300:]))
    p = tshark_output(env, ['-r', cap, '--disable-protocol', 'tcplife', '-T', 'fields', '-e', 'tcplife.phase'])
    if p.returncode != 0 or p.stdout.strip('\n\t '):
        failures.append('sanity: --disable-protocol tcplife still annotates (rc %d)' % p.returncode)
    if has_streams:
        p = tshark_output(env, ['-r', cap, '-q', '-z', 'tcplife,streams'])
        if p.returncode != 0 or len(p.stdout.splitlines()) < 3:
            failures.append('sanity tcplife,streams: rc %d, %d lines' % (p.returncode, len(p.stdout.splitlines())))


def streams_report_exists(env, cap):
    p = tshark_output(env, ['-r', cap, '-q', '-z', 'tcplife,streams'])
    return p.returncode == 0, (p.stderr.strip().splitlines() or [''])[0]


# ---- sizes of the structs ------------------------------------------------------

def struct_sizes(failures):
    exe = os.path.join(tempfile.gettempdir(), 'tcplife-bench-sizeof')
    src = os.path.join(HERE, 'sizeof.c')
    cc = shutil.which('cc') or shutil.which('gcc')
    p = subprocess.run([cc, '-O2', '-I', os.path.join(REPO, 'plugin'), '-I', os.path.join(REPO, 'plugin', 'core'),
                        src, '-o', exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        failures.append('sizeof.c did not compile: ' + p.stdout[-500:])
        return {}
    out = subprocess.run([exe], stdout=subprocess.PIPE, text=True).stdout
    os.unlink(exe)
    return {k: int(v) for k, v in (l.split('\t') for l in out.splitlines())}


# ---- callgrind -----------------------------------------------------------------

def cg_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith('totals:') or line.startswith('summary:'):
                return int(line.split()[1])
    return None


LINE_RE = re.compile(r'^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\*|>)?\s*(.*?)(?: \(([\d,]+)x\))?(?: \[(.*)\])?\s*$')


def cg_functions(path, inclusive):
    """{function: Ir} from callgrind_annotate (file:function names)."""
    args = ['callgrind_annotate', '--threshold=100']
    if inclusive:
        args.append('--inclusive=yes')
    out = subprocess.run(args + [path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         cwd='/').stdout
    funcs = {}
    for line in out.splitlines():
        m = LINE_RE.match(line)
        if not m or 'PROGRAM TOTALS' in line or m.group(2):
            continue
        name = m.group(3)
        obj = m.group(5) or ''
        funcs.setdefault((name, obj), 0)
        funcs[(name, obj)] += int(m.group(1).replace(',', ''))
    return funcs


def cg_callees(path, fn_suffix):
    """{callee: (Ir inclusive, calls)} of the functions named *fn_suffix."""
    out = subprocess.run(['callgrind_annotate', '--threshold=100', '--inclusive=yes', '--tree=calling', path],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd='/').stdout
    callees, inside = {}, False
    for line in out.splitlines():
        m = LINE_RE.match(line)
        if not m:
            inside = False if not line.strip() else inside
            continue
        if m.group(2) == '*':
            name = m.group(3)
            inside = name.split(':')[-1] == fn_suffix
        elif m.group(2) == '>' and inside:
            callee = m.group(3).split(':')[-1]
            ir = int(m.group(1).replace(',', ''))
            calls = int((m.group(4) or '0').replace(',', ''))
            old = callees.get(callee, (0, 0))
            callees[callee] = (max(old[0], ir), max(old[1], calls))
    return callees


def plugin_symbols(so):
    """Names of the functions defined in the plugin (static ones too: it is not stripped)."""
    out = subprocess.run(['nm', '--defined-only', so], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    return {l.split()[2] for l in out.splitlines() if len(l.split()) == 3 and l.split()[1] in 'tTiI'}


def own_functions(funcs, symbols):
    """[(Ir, name)] of the plugin's functions, largest first, one entry per name."""
    best = {}
    for (name, _), ir in funcs.items():
        short = name.split(':')[-1].split("'")[0]
        if short in symbols:
            best[short] = max(best.get(short, 0), ir)
    return sorted(((ir, n) for n, ir in best.items()), reverse=True)


def fn_ir(funcs, fn):
    """Inclusive Ir of function fn (the largest entry of that name)."""
    vals = [ir for (name, _), ir in funcs.items() if name.split(':')[-1] == fn]
    return max(vals) if vals else 0


def build_noinline(failures):
    bdir = os.path.join(tempfile.gettempdir(), 'bench-build-noinline')
    p = subprocess.run(['cmake', '-S', REPO, '-B', bdir, '-DCMAKE_BUILD_TYPE=RelWithDebInfo',
                        '-DCMAKE_C_FLAGS=-fno-inline -fno-optimize-sibling-calls'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode == 0:
        p = subprocess.run(['cmake', '--build', bdir, '-j2', '--target', 'tcplife'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        failures.append('no-inline profiling build failed: ' + p.stdout[-800:])
        return None
    return os.path.join(bdir, 'tcplife.so')


def scratch_dir(env, name):
    """A folder under the scratch folder that tshark, maybe running as nobody, can write to."""
    path = os.path.join(env.scratch, name)
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o777)
    return path


def distinct_jobs(jobs):
    """([(name, job)] to run, {name: name of the identical job that runs instead})."""
    alias, unique = {}, {}
    for name, (cap, args, pdir) in jobs.items():
        key = (cap, tuple(args), pdir)
        if key in unique:
            alias[name] = unique[key]
        else:
            unique[key] = name
    return [(n, jobs[n]) for n in jobs if n not in alias], alias


def start_callgrind(env, name, job, cgdir):
    """Starts tshark under callgrind; returns (Popen, its callgrind out file)."""
    cap, args, pdir = job
    out = os.path.join(cgdir, name + '.out')
    cmd = env.prefix(True, pdir) + ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
                                    env.tshark, '-r', cap] + args
    log('  callgrind %s' % name)
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=env.scratch), out


def run_callgrind(env, jobs, cgdir, failures):
    """jobs: {name: (capture, args, plugin_dir or None)}; two at a time, identical jobs once;
    returns {name: out file}."""
    pending, alias = distinct_jobs(jobs)
    procs, running = {}, []
    while pending or running:
        while pending and len(running) < 2:
            name, job = pending.pop(0)
            procs[name] = start_callgrind(env, name, job, cgdir)
            running.append(name)
        name = running.pop(0)
        p, out = procs[name]
        _, err = p.communicate()
        if p.returncode != 0 or not os.path.exists(out):
            failures.append('callgrind %s failed: %s' % (name, err.decode(errors='replace')[-500:]))
    outs = {n: out for n, (_, out) in procs.items() if os.path.exists(out)}
    for name, same in alias.items():
        if same in outs:
            outs[name] = outs[same]
    return outs


def instruction_linearity(env, caps, failures):
    """Instructions tcplife adds per packet on the SYN scan at two sizes (deterministic linearity)."""
    cgdir = scratch_dir(env, 'callgrind-lin')
    jobs = {}
    for size in ('half', 'full'):
        cap = caps['linscan-' + size]
        jobs['stock.' + size] = (cap, fields_args(OFF, 'tcp.stream'), None)
        jobs['tcplife.' + size] = (cap, fields_args([], 'tcp.stream', 'tcplife.phase'), None)
    outs = run_callgrind(env, jobs, cgdir, failures)
    if len(outs) != 4:
        return None
    res = {}
    for size in ('half', 'full'):
        n = gen_captures.capture_info(caps['linscan-' + size])['packets']
        res[size] = {'packets': n, 'stock': cg_total(outs['stock.' + size]),
                     'tcplife': cg_total(outs['tcplife.' + size])}
    return res


BREAKDOWN_FNS = (
    ('dissect_tcplife', 'tcplife (`dissect_tcplife`)'),
    ('tcplife_tree_render', '… of which rendering (`tcplife_tree_render`)'),
    ('dissector_try_uint', 'IP, TCP and the dissectors above them (forced tree, primed fields)'),
    ('write_fields_proto_tree', 'tshark writing `-T fields`'),
    ('proto_tree_print', 'tshark printing `-V`'),
    ('epan_dissect_reset', 'freeing the tree (`epan_dissect_reset`)'),
)

# Functions whose inclusive Ir per packet, tcplife against stock, the profile reports.
DELTA_FNS = ('epan_dissect_run_with_taps', 'write_fields_proto_tree', 'epan_dissect_reset',
             'dissect_tcplife', 'tcplife_tree_render', 'tcplife_input_gather', 'tl_stream_update',
             'p_add_proto_data', 'p_get_proto_data')


def mode_breakdown(outs, modes, packets):
    """{mode: {fn: added Ir per packet}} from the tcplife and stock profiles of each comparison."""
    res = {}
    for mode in modes:
        a, b = outs.get('%s.tcplife' % mode), outs.get('%s.stock' % mode)
        if not a or not b:
            continue
        on, off = cg_functions(a, True), cg_functions(b, True)
        res[mode] = {fn: (fn_ir(on, fn) - fn_ir(off, fn)) / packets for fn, _ in BREAKDOWN_FNS}
    return res


def instruction_modes(env):
    """{mode: {variant: tshark args}} whose instructions per packet the profile counts."""
    lua = ['-X', 'lua_script:' + env.lua]
    modes = {
        'fields1': {'stock': fields_args(OFF, 'tcp.stream'),
                    'tcplife': fields_args([], 'tcp.stream', 'tcplife.phase'),
                    'nosummary': fields_args(SUMMARY_OFF, 'tcp.stream', 'tcplife.phase')},
        'fields2': {'stock': fields_args(['-2'] + OFF, 'tcp.stream'),
                    'tcplife': fields_args(['-2'], 'tcp.stream', 'tcplife.phase')},
        'verbose': {'stock': OFF + ['-V'], 'tcplife': ['-V'], 'nosummary': SUMMARY_OFF + ['-V']},
        'summary': {'stock': OFF, 'tcplife': []},
        'conv': {'stock': OFF + ['-q', '-z', 'conv,tcp'], 'tcplife': ['-q', '-z', 'conv,tcp']},
    }
    if env.has_lua:
        modes['fields1']['lua'] = fields_args(OFF + lua, 'tcp.stream', 'tcp_phase.phase')
        modes['fields2']['lua'] = fields_args(['-2'] + OFF + lua, 'tcp.stream', 'tcp_phase.phase')
    return modes


def profile_jobs(env, caps, ni_dir):
    """The callgrind jobs of the profile: tcplife on and off (and the -fno-inline build, from
    ni_dir unless None) on the profile capture and on the one-packet capture."""
    on = fields_args([], 'tcp.stream', 'tcplife.phase')
    off = fields_args(OFF, 'tcp.stream')
    jobs = {
        'on': (caps['profile'], on, None), 'off': (caps['profile'], off, None),
        'on1': (caps['one'], on, None), 'off1': (caps['one'], off, None),
    }
    if ni_dir:
        jobs['noinline'] = (caps['profile'], on, ni_dir)
    # Instruction counts of the other comparisons: deterministic, unlike times on a shared machine.
    # (Each also on the one-packet capture, to subtract tshark's start-up.)
    for mode, variants in instruction_modes(env).items():
        for var, args in variants.items():
            jobs['%s.%s' % (mode, var)] = (caps['profile'], args, None)
            jobs['%s.%s.1' % (mode, var)] = (caps['one'], args, None)
    return jobs


def mode_instructions(env, outs, packets):
    """{mode: {variant: Ir per packet, start-up subtracted}} of the comparisons profiled."""
    modes = {}
    for mode, variants in instruction_modes(env).items():
        for var in variants:
            a, b = outs.get('%s.%s' % (mode, var)), outs.get('%s.%s.1' % (mode, var))
            if a and b:
                modes.setdefault(mode, {})[var] = (cg_total(a) - cg_total(b)) / (packets - 1)
    return modes


def profile_totals(outs, packets):
    """Total, start-up (one packet) and per-packet instructions with tcplife on and off."""
    tot = {n: cg_total(outs[n]) for n in ('on', 'off', 'on1', 'off1')}
    return {'total_on': tot['on'], 'total_off': tot['off'],
            'startup_on': tot['on1'], 'startup_off': tot['off1'],
            'per_packet_on': (tot['on'] - tot['on1']) / (packets - 1),
            'per_packet_off': (tot['off'] - tot['off1']) / (packets - 1)}


def tcplife_costs(env, outs, noinline, packets):
    """Where tcplife's instructions go: its own functions (also from the -fno-inline build when
    there is one), what DELTA_FNS add per packet, and the callees of tcplife_tree_render."""
    inc_on = cg_functions(outs['on'], True)
    inc_off = cg_functions(outs['off'], True)
    res = {'tcplife_fns': own_functions(inc_on, plugin_symbols(env.plugin_so)),
           'delta': {fn: (fn_ir(inc_on, fn) - fn_ir(inc_off, fn)) / packets for fn in DELTA_FNS},
           'render_callees': cg_callees(outs['on'], 'tcplife_tree_render')}
    if 'noinline' in outs:
        inc_ni = cg_functions(outs['noinline'], True)
        res['noinline_fns'] = own_functions(inc_ni, plugin_symbols(noinline))
        res['noinline_total'] = cg_total(outs['noinline'])
    return res


def keep_profiles(outs, caps):
    """Copies the callgrind files next to the captures (the scratch folder is removed);
    returns {name: copy}."""
    keep = os.path.join(os.path.dirname(caps['profile']), 'callgrind')
    os.makedirs(keep, exist_ok=True)
    return {n: shutil.copy(out, os.path.join(keep, n + '.out')) for n, out in outs.items()}


def profile(env, caps, packets, failures):
    """Callgrind on the profile capture: totals with and without tcplife, and where tcplife's go."""
    cgdir = scratch_dir(env, 'callgrind')
    noinline = build_noinline(failures)
    ni_dir = os.path.join(env.root, 'plugins-noinline')
    if noinline:
        env.stage_plugin(noinline, ni_dir)
    outs = run_callgrind(env, profile_jobs(env, caps, ni_dir if noinline else None), cgdir, failures)
    modes = mode_instructions(env, outs, packets)
    if any(n not in outs for n in ('on', 'off', 'on1', 'off1')):
        return None
    res = {'packets': packets, 'modes': modes, 'breakdown': mode_breakdown(outs, modes, packets)}
    res.update(profile_totals(outs, packets))
    res.update(tcplife_costs(env, outs, noinline, packets))
    res['files'] = keep_profiles(outs, caps)
    return res


# ---- the report ------------------------------------------------------------------

def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratio(r):
    return '—' if r is None else '%.2fx' % r


def verdict(value, target, le=True):
    if value is None:
        return 'n/a'
    ok = value <= target if le else value >= target
    return 'meets' if ok else '**misses**'


def machine_info():
    cpu = ''
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem_kb = int(f.readline().split()[1])
    distro = ''
    if os.path.exists('/etc/os-release'):
        with open('/etc/os-release') as f:
            for line in f:
                if line.startswith('PRETTY_NAME='):
                    distro = line.split('=', 1)[1].strip().strip('"')
    return '%s, %d cores, %.0f GiB RAM, %s, Linux %s' % (cpu, os.cpu_count(), mem_kb / 1048576, distro,
                                                         platform.release())


def file_digest(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def sources_digest():
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(REPO, 'plugin', '**', '*.[ch]'), recursive=True)):
        h.update(os.path.relpath(path, REPO).encode())
        with open(path, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def report(ctx):
    """The results as Markdown (printed, and written to BENCHMARKS.md with --write)."""
    L = (report_header(ctx) + report_targets(ctx) + report_results(ctx) + report_lua(ctx)
         + report_memory(ctx))
    if ctx['profile']:
        L += report_profile(ctx['profile'], ctx['caps'])
    if ctx.get('findings'):
        L.append(ctx['findings'])
    return '\n'.join(L) + '\n'


def report_header(ctx):
    """Title, how the figures were made: machine, Wireshark, plugin, captures, commands."""
    L = ['# tcplife benchmarks', '']
    if ctx['tiny']:
        L += ['**Smoke test (`--tiny`): captures of a few thousand packets, start-up dominates; '
              'these numbers say nothing about performance.**', '']
    L += ['Generated by `bench/run.sh --write` on %s (%d repetitions per command, medians). '
          'Do not edit by hand: change `bench/run.py` and regenerate.' % (ctx['date'], ctx['reps']),
          '',
          '- Machine: %s; load average %s before the run, %s after (other work on the machine '
          'perturbs wall times more than CPU times)' % (ctx['machine'], ctx['load'][0], ctx['load'][1]),
          '- Wireshark: `%s`%s' % (ctx['ws'], ', with Lua' if ctx['has_lua'] else ', without Lua'),
          '- Plugin: `%s` (RelWithDebInfo, sha256 `%s…`), built from plugin/ sources with sha256 `%s…`; '
          'the profile\'s `-fno-inline` build is made from the sources at profile time'
          % (ctx['plugin_shown'], ctx.get('so_digest', '?'), ctx['digest']),
          '- Captures (`bench/gen_captures.py`, deterministic, in `%s`):' % ctx['dir']]
    for key, desc in (('mix', 'mix'), ('scan-full', 'scan'), ('long-full', 'long')):
        L.append('  - `%s`: %s' % (os.path.basename(ctx['caps'][key]), ctx['cap_desc'][desc]))
    L += ['  - half-size `%s` and `%s` for linearity' % (os.path.basename(ctx['caps']['scan-half']),
                                                        os.path.basename(ctx['caps']['long-half'])),
          '- Every command runs as `/usr/bin/time -f "%%e %%U %%S %%M" <command>`, as the user `nobody` '
          '(`setpriv`) with `WIRESHARK_PLUGIN_DIR` set to a folder holding `%s/epan/tcplife.so`; '
          'the commands of one comparison alternate (A B C A B C …). "stock" is tshark with the plugin '
          'loaded and `--disable-protocol tcplife`; "no plugin" is tshark without the plugin folder. '
          'CPU = user + sys.' % ctx['ws_version'],
          '']
    return L


# ---- the report: targets

# The comparisons with a time target, in the order of the report.
TIME_TARGETS = (('fields1', TARGET_FIELDS), ('fields2', TARGET_FIELDS), ('verbose', TARGET_VERBOSE))


def target_row(name, value, target, shown, le=True):
    return '| %s | %s | %s |' % (name, shown, verdict(value, target, le))


def profile_modes(prof):
    """{mode: {variant: Ir per packet}} of the profile, {} without one."""
    return (prof or {}).get('modes') or {}


def ir_ratio(modes, key):
    m = modes.get(key, {})
    return ratio(m.get('tcplife'), m.get('stock'))


def report_targets(ctx):
    by, sc = groups_by_key(ctx['groups']), groups_by_key(ctx['scale'])
    modes = profile_modes(ctx['profile'])
    L = ['## Targets', '', '| target | measured | verdict |', '|--------|----------|---------|']
    L += time_target_rows(by, modes)
    L += nosummary_target_rows(by)
    L.append(rss_target_row(by, sc))
    L += memory_target_rows(ctx['memory'], ctx['sizes'])
    L += linearity_target_rows(ctx['scale'], ctx['profile'])
    L += lua_target_rows(by, modes, ctx['profile'])
    L += forced_dissection_rows(by, modes)
    return L + ['']


def time_target_rows(by, modes):
    """Judged on the worse of CPU time and instructions; wall time is shown, not judged."""
    rows = []
    for key, t in TIME_TARGETS:
        g = by.get(key)
        if not (g and g.by['stock'].wall and g.by['tcplife'].wall):
            continue
        st, tl = g.by['stock'], g.by['tcplife']
        rw, rc, ri = ratio(tl.wall, st.wall), ratio(tl.cpu, st.cpu), ir_ratio(modes, key)
        judged = max(r for r in (rc, ri) if r is not None)
        rows.append(target_row('%s: time ≤ %.2fx stock' % (g.title, t), judged, t,
                               '%s CPU, %s instructions (%s wall)' % (fmt_ratio(rc), fmt_ratio(ri), fmt_ratio(rw))))
    return rows


def nosummary_target_rows(by):
    rows = []
    for key, t in TIME_TARGETS:
        g = by.get(key)
        ns = g.by.get('nosummary') if g else None
        if ns and ns.cpu and g.by['stock'].cpu:
            rc = ratio(ns.cpu, g.by['stock'].cpu)
            rows.append(target_row('%s, `-o tcplife.stream_summary:FALSE` (not the default): time ≤ %.2fx stock'
                                   % (g.title, t), rc, t,
                                   '%s CPU (%s wall)' % (fmt_ratio(rc), fmt_ratio(ratio(ns.wall, g.by['stock'].wall)))))
    return rows


def rss_target_row(by, sc):
    """Judged on the worst peak-memory ratio of the mix comparisons and the full-size scale captures."""
    rss_rows = []
    for g in [by[k] for k, _ in TIME_TARGETS if by.get(k)]:
        rss_rows.append(('mix, ' + g.title, ratio(g.by['tcplife'].rss, g.by['stock'].rss)))
    for k in ('scan', 'long'):
        if k in sc:
            rss_rows.append((k + ', one pass', ratio(sc[k].by['tcplife-full'].rss, sc[k].by['stock-full'].rss)))
    worst = max((r for _, r in rss_rows if r), default=None)
    return target_row('peak memory ≤ %.2fx stock (worst case)' % TARGET_RSS, worst, TARGET_RSS,
                      ', '.join('%s %s' % (n, fmt_ratio(r)) for n, r in rss_rows))


def memory_target_rows(mem, sizes):
    if not mem:
        return []
    return [target_row('per-stream state ≤ %d B' % TARGET_STREAM_BYTES, mem['per_stream_own'], TARGET_STREAM_BYTES,
                       '%.0f B measured (ΔRSS %.0f B/stream minus the per-packet share); sizeof(tcplife_stream) = %d B'
                       % (mem['per_stream_own'], mem['per_stream'], sizes.get('tcplife_stream', 0))),
            target_row('per-packet ≤ %d B + Wireshark\'s per-packet data node (~%d B)'
                       % (TARGET_PACKET_BYTES, WS_NODE_BYTES),
                       mem['per_packet_own'], TARGET_PACKET_BYTES,
                       '%.1f B/packet ΔRSS, all of it tcplife\'s own (no Wireshark data node); '
                       'sizeof(tcplife_record) = %d B' % (mem['per_packet'], sizes.get('tcplife_record', 0)))]


def linearity_target_rows(scale, prof):
    """Judged on instructions when the profile measured them, else on CPU time full/half."""
    lin = linearity(scale)
    il = prof.get('linearity') if prof else None
    if il:
        a_half = (il['half']['tcplife'] - il['half']['stock']) / il['half']['packets']
        a_full = (il['full']['tcplife'] - il['full']['stock']) / il['full']['packets']
        return [target_row('linear cost (added instructions per packet the same at both sizes, ±5%)',
                           abs(a_full / a_half - 1), 0.05,
                           'instructions: %.0f vs %.0f Ir/packet added (SYN scan %d vs %d streams); '
                           'CPU time full/half: %s'
                           % (a_full, a_half, il['full']['packets'], il['half']['packets'],
                              ', '.join('%s %.2f' % (k, v) for k, v in lin.items() if v)))]
    if lin:
        worst_lin = max(abs(v - 2.0) for v in lin.values() if v)
        return [target_row('linear cost (full/half CPU time ≈ 2)', worst_lin, 0.2,
                           ', '.join('%s %.2f' % (k, v) for k, v in lin.items() if v))]
    return []


def lua_groups(by):
    """The `-T fields` comparisons that measured Lua; None (no Lua rows or section at all)
    when the one-pass comparison has no Lua command."""
    f1 = by.get('fields1')
    if not f1 or 'lua' not in f1.by:
        return None
    return [g for g in (f1, by.get('fields2')) if g and 'lua' in g.by and g.by['lua'].samples]


def lua_target_rows(by, modes, prof):
    """Judged on the better of CPU time and instructions (Lua's added cost / tcplife's)."""
    rows = []
    for g in lua_groups(by) or []:
        st, tl, lu = g.by['stock'], g.by['tcplife'], g.by['lua']
        lc = (lu.cpu - st.cpu) / (tl.cpu - st.cpu) if tl.cpu > st.cpu else None
        m = modes.get(g.key, {})
        li = ((m['lua'] - m['stock']) / (m['tcplife'] - m['stock'])
              if 'lua' in m and m['tcplife'] > m['stock'] else None)
        judged = min(r for r in (lc, li) if r is not None) if (lc or li) else None
        rows.append(target_row(
            '%s: Lua adds ≥ %.0fx the time tcplife adds' % (g.title, TARGET_LUA), judged, TARGET_LUA,
            '%s by CPU time (Lua %+.1f s, tcplife %+.1f s on %s), %s by instructions (%s packets)'
            % (fmt_ratio(lc), lu.cpu - st.cpu, tl.cpu - st.cpu, os.path.basename(g.capture),
               fmt_ratio(li), '{:,}'.format(prof['packets']) if prof else '?'), le=False))
    return rows


def forced_dissection_rows(by, modes):
    """Not judged: the cost of the tree tcplife forces where tshark would build none."""
    q, s, c = by.get('quiet'), by.get('summary'), by.get('conv')
    if not (q and s):
        return []
    return ['| forced dissection, plain `-q` (report its cost) | %s CPU: tshark 4.0 dissects nothing '
            'with a plain `-q`, so there is nothing to force | — |'
            % fmt_ratio(ratio(q.by['tcplife'].cpu, q.by['stock'].cpu)),
            '| forced dissection where tshark would dissect without a tree (report its cost) | summary lines %s CPU, '
            '%s instructions; `-q -z conv,tcp` %s CPU, %s instructions | way out: `--disable-protocol tcplife` '
            '(same cost as no plugin) |'
            % (fmt_ratio(ratio(s.by['tcplife'].cpu, s.by['stock'].cpu)), fmt_ratio(ir_ratio(modes, 'summary')),
               fmt_ratio(ratio(c.by['tcplife'].cpu, c.by['stock'].cpu)) if c else '—',
               fmt_ratio(ir_ratio(modes, 'conv')))]


# ---- the report: timings on the mix capture

def report_results(ctx):
    """Every command of every comparison on the mix capture, against its stock command; the notes."""
    L = ['## Results on `%s`' % os.path.basename(ctx['caps']['mix']), '',
         '| comparison | command | wall s | CPU s | peak RSS MiB | wall ratio | CPU ratio | RSS ratio |',
         '|------------|---------|-------:|------:|-------------:|-----------:|----------:|----------:|']
    for g in ctx['groups']:
        L += [result_row(g, v) for v in g.variants if v.samples]
    for note in ctx['notes']:
        L += ['', 'Note: ' + note]
    return L + ['']


def result_row(g, v):
    base = g.by['stock']

    def rr(a, b):
        return '—' if v is base else fmt_ratio(ratio(a, b))
    return '| %s | `%s` | %.2f | %.2f | %.0f | %s | %s | %s |' % (
        '%s: %s' % (g.title, VARIANT_NAMES.get(v.key, v.key)),
        shown_command(v, g.capture), v.wall, v.cpu, v.rss / 1024,
        rr(v.wall, base.wall), rr(v.cpu, base.cpu), rr(v.rss, base.rss))


def report_lua(ctx):
    """tcplife's added time against the Lua post-dissector's."""
    gs = lua_groups(groups_by_key(ctx['groups']))
    if gs is None:
        return []
    L = ['**tcplife against Lua** (added time = time − stock time):', '',
         '| comparison | tcplife adds (wall / CPU) | Lua adds (wall / CPU) | Lua/tcplife (wall / CPU) |',
         '|------------|---------------------------|-----------------------|--------------------------|']
    for g in gs:
        st, tl, lu = g.by['stock'], g.by['tcplife'], g.by['lua']
        L.append('| %s | %+.2f s / %+.2f s | %+.2f s / %+.2f s | %.2fx / %.2fx |' % (
            g.title, tl.wall - st.wall, tl.cpu - st.cpu, lu.wall - st.wall, lu.cpu - st.cpu,
            (lu.wall - st.wall) / (tl.wall - st.wall) if tl.wall != st.wall else float('nan'),
            (lu.cpu - st.cpu) / (tl.cpu - st.cpu) if tl.cpu != st.cpu else float('nan')))
    return L + ['',
                'The Lua post-dissector (`bench/lua/tcp_phase.lua`, written for this benchmark: the '
                '`gd_tcflag.lua` the issue mentions could not be fetched here) reads `tcp.stream` and '
                '`tcp.flags` with `Field.new`, classifies SYN/FIN/RST/other, keeps a per-stream and a '
                'per-frame table and adds 3 tree items; it does far less than tcplife (no sequence '
                'numbers, steps, stream summary or Zeek state), so its added time is a lower bound.',
                '']


# ---- the report: memory and linearity

def report_memory(ctx):
    L = ['## Memory and linearity', '',
         'One pass, `-T fields -e tcp.stream [-e tcplife.phase]`, stock vs tcplife:', '',
         '| capture | packets | streams | stock CPU s | tcplife CPU s | CPU ratio | wall ratio '
         '| stock RSS MiB | tcplife RSS MiB | ΔRSS MiB |',
         '|---------|--------:|--------:|------------:|--------------:|----------:|-----------:'
         '|--------------:|----------------:|---------:|']
    L += scale_rows(ctx['scale'], ctx['cap_info'])
    L.append('')
    L += memory_bullets(ctx['memory'], ctx['sizes'])
    L += linearity_bullets(ctx['scale'], ctx['profile'])
    return L + ['']


def scale_rows(scale, cap_info):
    rows = []
    for g in scale:
        for size in ('full', 'half'):
            st, tl = g.by['stock-' + size], g.by['tcplife-' + size]
            cap = st.capture
            info = cap_info[cap]
            if not st.samples or not tl.samples:
                continue
            rows.append('| `%s` | %d | %d | %.2f | %.2f | %s | %s | %.0f | %.0f | %.1f |' % (
                os.path.basename(cap), info['packets'], info['streams'], st.cpu, tl.cpu,
                fmt_ratio(ratio(tl.cpu, st.cpu)), fmt_ratio(ratio(tl.wall, st.wall)),
                st.rss / 1024, tl.rss / 1024, (tl.rss - st.rss) / 1024))
    return rows


def memory_bullets(mem, sizes):
    L = []
    if mem:
        L.append('- Per stream (SYN scan, one packet per stream): ΔRSS %.0f B/stream; minus the per-packet '
                 'share measured on the long connection (%.0f B) leaves **%.0f B per stream** '
                 '(sizeof(tcplife_stream) = %d B; streams live by value in pages of 256 indexed by '
                 '`tcp.stream`, with no allocation header or pointer per stream).' % (
                     mem['per_stream'], mem['per_packet'], mem['per_stream_own'], sizes.get('tcplife_stream', 0)))
        L.append('- Per packet (one connection): ΔRSS **%.1f B per packet**: tcplife\'s frame-indexed record '
                 '(sizeof(tcplife_record) = %d B, in pages of 4096) and no Wireshark per-packet data node '
                 '(which would add ~%d B: proto_data_t 16 B + chunk header 8 B + GSList link 16 B).' % (
                     mem['per_packet'], sizes.get('tcplife_record', 0), WS_NODE_BYTES))
    if sizes:
        L.append('- `sizeof` (bench/sizeof.c against plugin/core): ' +
                 ', '.join('%s %d B' % kv for kv in sizes.items()))
    return L


def linearity_bullets(scale, prof):
    L = []
    lin = linearity(scale)
    if lin:
        wl = linearity(scale, 'wall')
        L.append('- Linearity, CPU time full / half (2.00 is linear): ' +
                 ', '.join('%s %.2f' % kv for kv in lin.items() if kv[1]) +
                 '; wall time: ' + ', '.join('%s %.2f' % kv for kv in wl.items() if kv[1]) +
                 ' (times on a shared machine: see the instruction counts below).')
    il = prof.get('linearity') if prof else None
    if il:
        st = prof.get('startup_off', 0)
        added = {k: (v['tcplife'] - v['stock']) / v['packets'] for k, v in il.items()}
        L.append('- Linearity in instructions (callgrind, SYN scan of %d and %d one-packet streams, '
                 '`-T fields`): tcplife adds %.0f and %.0f Ir per packet, full/half added = %.3f '
                 '(stock: %.0f and %.0f Ir per packet after start-up).' % (
                     il['half']['packets'], il['full']['packets'], added['half'], added['full'],
                     (added['full'] * il['full']['packets']) / (added['half'] * il['half']['packets']),
                     (il['half']['stock'] - st) / il['half']['packets'],
                     (il['full']['stock'] - st) / il['full']['packets']))
    return L


# ---- the report: profile

MODE_TITLES = {'fields1': 'one pass, `-T fields`', 'fields2': 'two passes, `-2 -T fields`',
               'verbose': 'full tree, `-V`', 'summary': 'summary lines (plain `tshark -r`)',
               'conv': '`-q -z conv,tcp`'}


def report_profile(prof, caps):
    name = os.path.basename(caps['profile'])
    return (instructions_table(prof, name) + modes_table(prof) + breakdown_table(prof)
            + added_table(prof) + callees_table(prof) + functions_table(prof))


def instructions_table(prof, name):
    """Total, start-up and per-packet instructions with tcplife and stock."""
    pp_on, pp_off = prof['per_packet_on'], prof['per_packet_off']
    return ['## Profile (callgrind, `%s`)' % name, '',
            '`valgrind --tool=callgrind tshark -r %s -T fields -e tcp.stream -e tcplife.phase` against '
            '`… --disable-protocol tcplife -T fields -e tcp.stream`, as `nobody`; start-up measured '
            'on a one-packet capture and subtracted.' % name, '',
            '| | with tcplife | stock | ratio |',
            '|-|-------------:|------:|------:|',
            '| total instructions | %s | %s | %.2fx |' % (
                '{:,}'.format(prof['total_on']), '{:,}'.format(prof['total_off']),
                prof['total_on'] / prof['total_off']),
            '| start-up (1 packet) | %s | %s | |' % ('{:,}'.format(prof['startup_on']),
                                                     '{:,}'.format(prof['startup_off'])),
            '| per packet | %.0f | %.0f | **%.2fx** |' % (pp_on, pp_off, pp_on / pp_off),
            '']


def modes_table(prof):
    """Instructions per packet of each comparison, and Lua's added instructions against tcplife's."""
    if not prof.get('modes'):
        return []
    L = ['Instructions per packet of each comparison (start-up subtracted; deterministic, so '
         'unaffected by other load on the machine):', '',
         '| comparison | stock Ir/packet | tcplife Ir/packet | ratio | Lua Ir/packet | Lua added / tcplife added |',
         '|------------|----------------:|------------------:|------:|--------------:|--------------------------:|']
    for mode, v in prof['modes'].items():
        if 'stock' not in v or 'tcplife' not in v:
            continue
        lua = v.get('lua')
        L.append('| %s | %.0f | %.0f | **%.2fx** | %s | %s |' % (
            MODE_TITLES.get(mode, mode), v['stock'], v['tcplife'], v['tcplife'] / v['stock'],
            '%.0f' % lua if lua else '—',
            '%.2fx' % ((lua - v['stock']) / (v['tcplife'] - v['stock'])) if lua else '—'))
        if v.get('nosummary'):
            L.append('| %s, `stream_summary` off | %.0f | %.0f | **%.2fx** | — | — |' % (
                MODE_TITLES.get(mode, mode), v['stock'], v['nosummary'], v['nosummary'] / v['stock']))
    return L + ['']


def breakdown_table(prof):
    """BREAKDOWN_FNS' added instructions per packet, one column per comparison."""
    bd = prof.get('breakdown')
    if not bd:
        return []
    modes = prof['modes']
    L = ['Where the added instructions go in each comparison (tcplife run minus stock run, inclusive '
         'Ir per packet; the rows overlap where one calls the other):', '',
         '| | ' + ' | '.join(MODE_TITLES.get(m, m) for m in bd) + ' |',
         '|-' + '|-' * len(bd) + '|',
         '| total added | ' + ' | '.join('%.0f' % (modes[m]['tcplife'] - modes[m]['stock']) for m in bd) + ' |']
    for fn, name in BREAKDOWN_FNS:
        L.append('| %s | ' % name + ' | '.join('%.0f' % bd[m][fn] for m in bd) + ' |')
    return L + ['']


def added_table(prof):
    """Where the instructions tcplife adds in one pass `-T fields` go."""
    d = prof['delta']
    added = prof['per_packet_on'] - prof['per_packet_off']
    other_dissect = d['epan_dissect_run_with_taps'] - d['dissect_tcplife']
    rows = [
        ('`dissect_tcplife` (all of tcplife\'s own code)', d['dissect_tcplife']),
        ('… `tcplife_tree_render` (tree items, labels, endpoint strings)', d['tcplife_tree_render']),
        ('… `tcplife_input_gather` (the 6 primed fields and the TCP header bytes)', d['tcplife_input_gather']),
        ('… `tl_stream_update` (the state machine and Zeek model)', d['tl_stream_update']),
        ('… `p_add_proto_data` / `p_get_proto_data` (tcplife uses them only for a frame\'s second TCP layer)',
         d['p_add_proto_data'] + d['p_get_proto_data']),
        ('other dissection: the 6 primed fields become real, indexed items (and force a tree where tshark '
         'would build none)', other_dissect),
        ('tshark `write_fields_proto_tree` walking tcplife\'s extra tree nodes', d['write_fields_proto_tree']),
        ('`epan_dissect_reset` freeing them', d['epan_dissect_reset']),
    ]
    L = ['Where the %.0f instructions per packet that tcplife adds go (inclusive, per packet):' % added, '',
         '| where | Ir/packet | share |',
         '|-------|----------:|------:|']
    L += ['| %s | %.0f | %.0f%% |' % (name, v, 100 * v / added) for name, v in rows]
    return L + ['']


def callees_table(prof):
    """The 12 most expensive callees of tcplife_tree_render."""
    rc = prof['render_callees']
    if not rc:
        return []
    n = prof['packets']
    items = sum(c for fn, (ir, c) in rc.items() if fn.startswith('proto_tree_add_'))
    L = ['Top callees of `tcplife_tree_render` (%.1f tree items per packet):' % (items / n), '',
         '| callee | calls/packet | Ir/packet |',
         '|--------|-------------:|----------:|']
    for fn, (ir, calls) in sorted(rc.items(), key=lambda kv: -kv[1][0])[:12]:
        L.append('| `%s` | %.2f | %.0f |' % (fn, calls / n, ir / n))
    return L + ['']


def functions_table(prof):
    """tcplife's 20 most expensive functions, inclusive."""
    fns = prof.get('noinline_fns') or prof['tcplife_fns']
    L = ['tcplife functions, inclusive%s (`callgrind_annotate --inclusive=yes`, tcplife.so only):' % (
             ', from a `-fno-inline` build so that static functions show' if prof.get('noinline_fns') else ''), '',
         '| function | Ir/packet |',
         '|----------|----------:|']
    seen = set()
    for ir, name in fns:
        short = name.split(':')[-1]
        if short in seen:
            continue
        seen.add(short)
        L.append('| `%s` | %.0f |' % (short, ir / prof['packets']))
        if len(seen) >= 20:
            break
    return L + ['']


def lua_ratio(g):
    if not g or 'lua' not in g.by or not g.by['lua'].samples:
        return None
    st, tl, lu = g.by['stock'], g.by['tcplife'], g.by['lua']
    if tl.wall - st.wall <= 0:
        return None
    return (lu.wall - st.wall) / (tl.wall - st.wall)


FINDINGS = os.path.join(HERE, 'FINDINGS.md')


def read_findings():
    if os.path.exists(FINDINGS):
        with open(FINDINGS) as f:
            return f.read()
    return None


def write_report(text):
    path = os.path.join(REPO, 'BENCHMARKS.md')
    with open(path, 'w') as f:
        f.write(text)
    log('wrote %s' % path)


def emit(text, write):
    """Prints the report, and writes it to BENCHMARKS.md with --write."""
    print(text)
    if write:
        write_report(text)


# ---- main -------------------------------------------------------------------------

def build_plugin():
    bdir = '/tmp/bench-build'
    for cmd in (['cmake', '-S', REPO, '-B', bdir, '-DCMAKE_BUILD_TYPE=RelWithDebInfo'],
                ['cmake', '--build', bdir, '-j2', '--target', 'tcplife']):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            sys.exit('build failed:\n' + p.stdout[-2000:])
    return os.path.join(bdir, 'tcplife.so')


def parse_args():
    ap = argparse.ArgumentParser(description='tcplife benchmark (see bench/run.py docstring)')
    ap.add_argument('--tiny', action='store_true', help='~2k-packet captures, 1 repetition, no profile')
    ap.add_argument('--write', action='store_true', help='write BENCHMARKS.md at the top of the repository')
    ap.add_argument('--reps', type=int, help='repetitions per command (default 3; --tiny: 1)')
    ap.add_argument('--packets', type=int, help='size of the big captures (default 1000000; --tiny: 2000)')
    ap.add_argument('--profile-packets', type=int, default=20000)
    ap.add_argument('--no-profile', action='store_true')
    ap.add_argument('--only', help='comma-separated groups: fields1,fields2,verbose,streams,quiet,summary,conv,scan,long')
    ap.add_argument('--dir', default='/var/tmp/tcplife-bench', help='where captures are generated')
    ap.add_argument('--plugin', default=os.environ.get('TCPLIFE_PLUGIN'),
                    help='tcplife.so to measure (default $TCPLIFE_PLUGIN, else build into /tmp/bench-build)')
    ap.add_argument('--tshark', default=os.environ.get('TCPLIFE_TSHARK', 'tshark'))
    ap.add_argument('--report-only', action='store_true',
                    help='no measurement: rebuild the report from the last full run saved in --dir '
                         '(after editing bench/FINDINGS.md or the report code)')
    ap.add_argument('--profile-only', action='store_true',
                    help='rerun only the callgrind profile and merge it into the last full run saved in --dir')
    ap.add_argument('--linearity-only', action='store_true',
                    help='rerun only the callgrind linearity check and merge it into the last full run saved in --dir')
    return ap.parse_args()


def main():
    args = parse_args()
    saved = os.path.join(args.dir, 'last-run.pickle')
    sys.modules.setdefault('run', sys.modules[__name__])   # saved runs name their classes either way
    if args.report_only:
        return report_only(args, saved)
    load0 = '%.2f' % os.getloadavg()[0]
    if not os.path.exists(TIME):
        sys.exit('%s is missing: apt-get install time' % TIME)
    plugin = args.plugin or build_plugin()
    if not os.path.exists(plugin):
        sys.exit('no plugin at %s' % plugin)
    os.makedirs(args.dir, exist_ok=True)
    os.chmod(args.dir, 0o755)
    if args.profile_only or args.linearity_only:
        return rerun_profile(args, saved, plugin)
    return full_run(args, saved, plugin, load0)


def load_run(saved):
    with open(saved, 'rb') as f:
        return pickle.load(f)


def save_run(saved, ctx):
    with open(saved, 'wb') as f:
        pickle.dump(ctx, f)


def report_only(args, saved):
    """--report-only: the report of the last full run, with today's FINDINGS.md."""
    ctx = load_run(saved)
    ctx['findings'] = read_findings()
    for k, v in struct_sizes([]).items():   # sizes added to bench/sizeof.c since that run
        ctx['sizes'].setdefault(k, v)
    emit(report(ctx), args.write)
    return 0


def profile_captures(n):
    """(key, kind, packets) of the profile's captures: n packets of the mix, a one-packet mix to
    measure start-up, and SYN scans of 2n and n packets for the instruction linearity."""
    return (('profile', 'mix', n), ('one', 'mix', 1),
            ('linscan-full', 'scan', n * 2), ('linscan-half', 'scan', n))


def rerun_profile(args, saved, plugin):
    """--profile-only / --linearity-only: remeasures with callgrind and merges into the last full run."""
    failures = []
    ctx = load_run(saved)
    for key, kind, n in profile_captures(args.profile_packets):
        ctx['caps'][key] = gen_captures.generate(args.dir, kind, n, quiet=True)
    env = Env(plugin, args.tshark)
    try:
        if not env.check_loaded():
            sys.exit('tshark did not load %s' % plugin)
        if args.profile_only:
            ctx['profile'] = profile(env, ctx['caps'], args.profile_packets, failures)
        if ctx['profile']:
            ctx['profile']['linearity'] = instruction_linearity(env, ctx['caps'], failures)
        ctx['notes'] = [n for n in ctx['notes'] if not n.startswith('the profile was taken')]
        if file_digest(plugin) != ctx.get('so_digest'):
            ctx['notes'].append('the profile was taken on another build of the plugin than the '
                                'timings (sha256 %s… against %s…).' % (file_digest(plugin), ctx.get('so_digest')))
    finally:
        env.close()
    save_run(saved, ctx)
    ctx['findings'] = read_findings()
    emit(report(ctx), args.write)
    for f in failures:
        log('  ' + f)
    return 1 if failures else 0


def generate_captures(directory, packets, profile_packets):
    """({key: path}, {path: capture_info}) of the captures of a run (the profile's unless
    profile_packets is None)."""
    half = packets // 2
    wanted = [('mix', 'mix', packets), ('scan-full', 'scan', packets), ('scan-half', 'scan', half),
              ('long-full', 'long', packets), ('long-half', 'long', half), ('sanity', 'mix', 2000)]
    if profile_packets is not None:
        wanted += profile_captures(profile_packets)
    caps, cap_info = {}, {}
    for key, kind, n in wanted:
        path = gen_captures.capture_path(directory, kind, n)
        if not os.path.exists(path):
            log('generating %s' % path)
        caps[key] = gen_captures.generate(directory, kind, n, quiet=True)
        cap_info[caps[key]] = gen_captures.capture_info(caps[key])
    return caps, cap_info


def full_run(args, saved, plugin, load0):
    """Measures everything; prints the report (and writes it with --write); returns the exit status."""
    reps = args.reps or (1 if args.tiny else 3)
    do_profile = not args.no_profile and not args.tiny
    only = set(args.only.split(',')) if args.only else None
    failures = []
    caps, cap_info = generate_captures(args.dir, args.packets or (2000 if args.tiny else 1000000),
                                       args.profile_packets if do_profile else None)
    env = Env(plugin, args.tshark)
    try:
        if not env.check_loaded():
            sys.exit('tshark did not load %s (built for another Wireshark?)' % plugin)
        log('%s; plugin %s; %s' % (env.version_line, plugin, 'with Lua' if env.has_lua else 'no Lua'))
        ctx = measure(env, caps, cap_info, reps, only, failures)
        prof = profile(env, caps, args.profile_packets, failures) if do_profile else None
        if prof:
            prof['linearity'] = instruction_linearity(env, caps, failures)
        ctx['profile'] = prof
        ctx.update(describe_run(env, args, plugin, caps, cap_info, reps, load0))
        if not args.tiny and not only:
            save_run(saved, ctx)
        emit(report(ctx), args.write)
    finally:
        env.close()
    if failures:
        log('FAILURES:')
        for f in failures:
            log('  ' + f)
        return 1
    return 0


def measure(env, caps, cap_info, reps, only, failures):
    """Sanity checks, struct sizes, and the timed comparisons (all, or the groups in only)."""
    notes = []
    if not env.has_lua:
        notes.append('this tshark has no Lua: the Lua rows are skipped.')
    has_streams, why = streams_report_exists(env, caps['sanity'])
    if not has_streams:
        notes.append('`-z tcplife,streams` is not in this build of the plugin (%s): its row is skipped.' % why)
    sanity(env, caps, has_streams, failures)
    sizes = struct_sizes(failures)
    groups = [g for g in comparison_groups(env, caps, has_streams, env.lua) if not only or g.key in only]
    scale = [g for g in scale_groups(caps) if not only or g.key in only]
    for g in groups + scale:
        log('%s (%d reps)' % (g.key, reps))
        warm_cache(g)
        run_group(env, g, reps, failures)
    return {'groups': groups, 'scale': scale, 'sizes': sizes, 'notes': notes,
            'memory': memory_figures(scale, caps, cap_info), 'linearity': linearity(scale, 'wall')}


def describe_run(env, args, plugin, caps, cap_info, reps, load0):
    """What the report says about the run: captures, machine, versions, digests, date, load."""
    cap_desc = {
        'mix': '%d packets, %d interleaved connections (handshakes, data both ways, 4-way/3-way/server '
               'closes, refused, unanswered, aborted, RST after close; HTTP and TLS)' % (
                   cap_info[caps['mix']]['packets'], cap_info[caps['mix']]['streams']),
        'scan': 'SYN scan, %d one-packet streams' % cap_info[caps['scan-full']]['packets'],
        'long': 'one connection of %d packets (interactive TLS)' % cap_info[caps['long-full']]['packets'],
    }
    findings = read_findings()
    return {
        'caps': caps, 'cap_info': cap_info, 'cap_desc': cap_desc,
        'reps': reps, 'date': datetime.date.today().isoformat(), 'machine': machine_info(),
        'ws': env.version_line, 'ws_version': env.ws_version, 'has_lua': env.has_lua,
        'plugin_shown': plugin, 'digest': sources_digest(), 'so_digest': file_digest(plugin),
        'dir': args.dir, 'findings': findings,
        'tiny': args.tiny, 'load': (load0, '%.2f' % os.getloadavg()[0]),
    }


if __name__ == '__main__':
    sys.exit(main())
