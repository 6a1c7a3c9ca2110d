#!/usr/bin/python3
"""tcplife's performance benchmark: tshark with tcplife against stock tshark and Lua.

Usage (bench/run.sh passes its arguments here):
  bench/run.sh [--write] [--out PATH] [--json PATH] [--reps N] [--packets N] [--no-profile] [--only GROUP,...]
  bench/run.sh --quick [--json PATH]   # instruction counts of every comparison (< 10 min)
  bench/run.sh --tiny          # ~2k-packet captures, 1 repetition, no profile: a smoke test
  bench/run.sh --combine A.json B.json [--write | --out PATH]
                               # one report, the Wireshark versions of the runs side by side

Every run writes its results as JSON (--json, default <--dir>/results-<major.minor>[-quick].json,
e.g. /var/tmp/tcplife-bench/results-4.0.json); --combine turns the JSON of runs on several
Wireshark versions (e.g. 4.0 on the host, 4.6 in tests/matrix's sid chroot) into BENCHMARKS.md
with a column per version.

--quick: instruction counts (cachegrind by default, --ir-tool callgrind for callgrind; start-up
measured on a one-packet capture and subtracted) of every comparison on 20,000 packets of the mix
capture, two tools at a time; CPU time of stock, tcplife and the two Lua post-dissectors on 100,000
packets of the mix (one run each); peak RSS of the SYN flood, RST flood and long connection at
100,000 packets; struct sizes.  The full run (default) times everything on a mix of --packets
(default 200,000) and floods of --flood-packets (default 1,000,000), adds the callgrind profile,
and the quick run's instruction counts.

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
import json
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
# gd_tcflag.lua (github.com/gr8drag1/gd_tcflag, GPL-3.0): the Lua post-dissector users share.
# Never copied into the project: read from here (or --gd-tcflag) at run time.
GD_TCFLAG = os.path.normpath(os.path.join(REPO, '..', 'shared', 'peers', 'gd_tcflag', 'gd_tcflag.lua'))
if not os.path.exists(GD_TCFLAG):
    GD_TCFLAG = '/work/shared/peers/gd_tcflag/gd_tcflag.lua'
GD_FIELD = 'gd_tcflag.tcbm'

# Targets of the issue.
TARGET_FIELDS = 1.05      # one pass and two passes, time
TARGET_VERBOSE = 1.02     # -V, time
TARGET_RSS = 1.05         # peak memory
TARGET_STREAM_BYTES = 256
TARGET_PACKET_BYTES = 16  # tcplife's own, on top of Wireshark's per-packet data node
TARGET_LUA = 10.0         # Lua's added time / tcplife's added time
TARGET_COLOR = 1.05       # `--color` (the GUI's first pass), instructions per packet
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

    def __init__(self, plugin, tshark='tshark', gd_tcflag=None):
        self.tshark = tshark
        out = subprocess.run([tshark, '--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        self.version_line = out.splitlines()[0]
        m = re.search(r'\(Wireshark\) (\d+)\.(\d+)\.(\d+)', self.version_line)
        self.ws_version = '%s.%s' % (m.group(1), m.group(2))
        # "with Lua 5.2.4" up to 4.2, "+Lua 5.4.9" in a list of libraries from 4.4 on.
        # (tshark wraps its lines: "with Lua\n5.2.4".)
        m = re.search(r'(?:with\s+|\+)Lua\s+([\d.]+)', out)
        self.has_lua = m is not None
        self.lua_version = 'Lua ' + m.group(1) if m else None
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
        # A private, world-readable copy for this run only (tshark may run as nobody); removed by close().
        self.quick = False
        self.gd = None
        if gd_tcflag and os.path.exists(gd_tcflag) and self.has_lua:
            self.gd = os.path.join(self.root, 'gd_tcflag.lua')
            shutil.copyfile(gd_tcflag, self.gd)
            os.chmod(self.gd, 0o644)
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
    ('color', '`--color` (summary lines with colouring rules, which force a tree: the GUI\'s first pass)',
     (('stock', OFF + ['--color']), ('tcplife', ['--color']))),
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
    g = lua_group(env, caps)
    if g:
        groups.append(g)
    return groups


def lua_group(env, caps):
    """Stock, tcplife and the Lua post-dissectors (tcp_phase.lua and, when found, the users'
    gd_tcflag.lua) on the Lua capture (100,000 packets of the mix), one pass `-T fields`."""
    if not env.has_lua:
        return None
    vs = [Variant('stock', fields_args(OFF, 'tcp.stream')),
          Variant('tcplife', fields_args([], 'tcp.stream', 'tcplife.phase')),
          Variant('lua', fields_args(OFF + ['-X', 'lua_script:' + env.lua], 'tcp.stream', 'tcp_phase.phase'))]
    if env.gd:
        vs.append(Variant('gd', fields_args(OFF + ['-X', 'lua_script:' + env.gd], 'tcp.stream', GD_FIELD)))
    return Group('lua100k', 'Lua post-dissectors, one pass `-T fields`', caps['lua'], vs)


SCALE_KINDS = ('scan', 'rst', 'long')


def scale_groups(caps, sizes=('full', 'half')):
    """Memory and linearity: stock and tcplife on full and half captures (the SYN flood, the
    RST flood and the long connection)."""
    groups = []
    for kind in SCALE_KINDS:
        vs = []
        for size in sizes:
            vs.append(Variant('stock-' + size, fields_args(OFF, 'tcp.stream')))
            vs.append(Variant('tcplife-' + size, fields_args([], 'tcp.stream', 'tcplife.phase')))
            vs[-2].capture = vs[-1].capture = caps[kind + '-' + size]
        groups.append(Group(kind, kind, None, vs))
    return groups


VARIANT_NAMES = {'stock': 'stock', 'tcplife': '**tcplife**', 'lua': 'Lua (`tcp_phase.lua`)',
                 'gd': 'Lua (`gd_tcflag.lua`)', 'noplugin': 'no plugin',
                 'nosummary': 'tcplife, `stream_summary` off'}
VARIANT_NAMES_PLAIN = {'lua': 'Lua tcp_phase.lua', 'gd': 'Lua gd_tcflag.lua', 'nosummary': 'stream_summary off'}


def shown_arg(a):
    if a.startswith('lua_script:'):
        return 'lua_script:gd_tcflag.lua' if a.endswith('gd_tcflag.lua') else 'lua_script:bench/lua/tcp_phase.lua'
    return a


def shown_command(v, capture):
    args = ' '.join(shown_arg(a) for a in v.args)
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
    full = [sg.by['tcplife-full'], sg.by['stock-full'], lg.by['tcplife-full'], lg.by['stock-full']]
    if not all(v.samples for v in full):
        return None
    per_packet = ((lg.by['tcplife-full'].rss - lg.by['stock-full'].rss) * 1024
                  / cap_info[caps['long-full']]['packets'])
    per_stream = ((sg.by['tcplife-full'].rss - sg.by['stock-full'].rss) * 1024
                  / cap_info[caps['scan-full']]['streams'])
    res = {'per_packet': per_packet, 'per_stream': per_stream,
           'per_stream_own': per_stream - per_packet,
           'per_packet_own': per_packet,
           'scan_streams': cap_info[caps['scan-full']]['streams']}
    rg = sc.get('rst')
    if rg and rg.by['tcplife-full'].samples and rg.by['stock-full'].samples:
        res['rst_per_stream'] = ((rg.by['tcplife-full'].rss - rg.by['stock-full'].rss) * 1024
                                 / cap_info[caps['rst-full']]['streams'])
        res['rst_per_stream_own'] = res['rst_per_stream'] - per_packet
        res['rst_streams'] = cap_info[caps['rst-full']]['streams']
    return res


def linearity(scale, what='cpu'):
    """{'scan stock': full/half time, ...} from the scale groups."""
    res = {}
    for g in scale:
        for who in ('stock', 'tcplife'):
            f, h = g.by.get(who + '-full'), g.by.get(who + '-half')
            if f and h and f.samples and h.samples:
                res['%s %s' % (g.key, who)] = getattr(f, what) / getattr(h, what)
    return res


# ---- sanity checks (every run, and the whole of the smoke test) ---------------

def tshark_output(env, args):
    """tshark with the plugin on args, as run(): text stdout and stderr."""
    return subprocess.run(env.command(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, cwd=env.scratch)


def sanity(env, caps, has_streams, failures, notes):
    """tcplife and the Lua scripts annotate every TCP packet of the small mix capture."""
    cap = caps['sanity']
    n = int(re.search(r'-(\d+)\.v\d+\.pcap$', cap).group(1))
    checks = [('tcplife', fields_args([], 'tcp.stream', 'tcplife.phase'))]
    if env.has_lua:
        checks.append(('lua', fields_args(OFF + ['-X', 'lua_script:' + env.lua], 'tcp.stream', 'tcp_phase.phase')))
    if env.gd:
        checks.append(('gd_tcflag', fields_args(OFF + ['-X', 'lua_script:' + env.gd], 'tcp.stream', GD_FIELD)))
    for name, args in checks:
        p = tshark_output(env, ['-r', cap] + args)
        rows = [l.split('\t') for l in p.stdout.splitlines()]
        good = [r for r in rows if len(r) == 2 and r[0] != '' and
                (r[1] in ('1', '2', '3', '4') or name == 'gd_tcflag' and r[1].startswith('0x'))]
        if name == 'gd_tcflag' and p.returncode == 0 and len(rows) == n and good:
            if len(good) != n:   # the peer script's own errors (e.g. loadstring on Lua 5.4): reported, not ours
                notes.append('gd_tcflag.lua set `%s` on %d of the %d packets of `%s` only (Lua errors of the '
                             'script: its work on the other packets stops part-way).'
                             % (GD_FIELD, len(good), n, os.path.basename(cap)))
            continue
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


def start_callgrind(env, name, job, cgdir, tool='callgrind'):
    """Starts tshark under callgrind (or cachegrind without cache simulation: the same count of
    instructions executed, about twice as fast, no call graph); returns (Popen, its out file)."""
    cap, args, pdir = job
    out = os.path.join(cgdir, name + '.out')
    opts = (['--tool=callgrind', '--callgrind-out-file=' + out] if tool == 'callgrind' else
            ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=' + out])
    cmd = env.prefix(True, pdir) + ['valgrind'] + opts + [env.tshark, '-r', cap] + args
    log('  %s %s' % (tool, name))
    with open(out + '.err', 'wb') as err:   # a file, not a pipe: two jobs run while we wait for either
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=env.scratch), out


def run_callgrind(env, jobs, cgdir, failures, tool='callgrind'):
    """jobs: {name: (capture, args, plugin_dir or None)}; two at a time, identical jobs once, in
    the order given (longest first balances the two); returns {name: out file}."""
    pending, alias = distinct_jobs(jobs)
    procs, running = {}, []
    while pending or running:
        while pending and len(running) < 2:
            name, job = pending.pop(0)
            procs[name] = start_callgrind(env, name, job, cgdir, tool)
            running.append(name)
        name = wait_any(procs, running)
        p, out = procs[name]
        if p.returncode != 0 or not os.path.exists(out):
            with open(out + '.err', errors='replace') as f:
                failures.append('%s %s failed: %s' % (tool, name, f.read()[-500:]))
    outs = {n: out for n, (_, out) in procs.items() if os.path.exists(out)}
    for name, same in alias.items():
        if same in outs:
            outs[name] = outs[same]
    return outs


def wait_any(procs, running):
    """Waits until one of the running jobs ends; removes it from running and returns its name."""
    import time
    while True:
        for name in running:
            if procs[name][0].poll() is not None:
                running.remove(name)
                return name
        time.sleep(0.2)


def instruction_linearity(env, caps, failures, tool='cachegrind'):
    """Instructions tcplife adds per packet on the SYN scan at two sizes (deterministic linearity)."""
    cgdir = scratch_dir(env, 'callgrind-lin')
    jobs = {}
    for size in ('half', 'full'):
        cap = caps['linscan-' + size]
        jobs['stock.' + size] = (cap, fields_args(OFF, 'tcp.stream'), None)
        jobs['tcplife.' + size] = (cap, fields_args([], 'tcp.stream', 'tcplife.phase'), None)
    jobs['stock.one'] = (caps['one'], fields_args(OFF, 'tcp.stream'), None)
    outs = run_callgrind(env, jobs, cgdir, failures, tool)
    if len(outs) != 5:
        return None
    res = {'tool': tool, 'startup': cg_total(outs['stock.one'])}
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


def instruction_modes(env, has_streams=True):
    """{mode: {variant: tshark args}} whose instructions per packet are counted, in the order of
    the report."""
    lua = ['-X', 'lua_script:' + env.lua]
    modes = {
        'fields1': {'stock': fields_args(OFF, 'tcp.stream'),
                    'tcplife': fields_args([], 'tcp.stream', 'tcplife.phase'),
                    'nosummary': fields_args(SUMMARY_OFF, 'tcp.stream', 'tcplife.phase')},
        'fields2': {'stock': fields_args(['-2'] + OFF, 'tcp.stream'),
                    'tcplife': fields_args(['-2'], 'tcp.stream', 'tcplife.phase')},
        'verbose': {'stock': OFF + ['-V'], 'tcplife': ['-V'], 'nosummary': SUMMARY_OFF + ['-V']},
        'color': {'stock': OFF + ['--color'], 'tcplife': ['--color']},
        'summary': {'stock': OFF, 'tcplife': []},
        'streams': {'stock': OFF + ['-q', '-z', 'conv,tcp'], 'tcplife': ['-q', '-z', 'tcplife,streams']},
        'conv': {'stock': OFF + ['-q', '-z', 'conv,tcp'], 'tcplife': ['-q', '-z', 'conv,tcp']},
    }
    if not has_streams:
        del modes['streams']
    if env.has_lua:
        modes['fields1']['lua'] = fields_args(OFF + lua, 'tcp.stream', 'tcp_phase.phase')
        modes['fields2']['lua'] = fields_args(['-2'] + OFF + lua, 'tcp.stream', 'tcp_phase.phase')
    if env.gd:
        gd = ['-X', 'lua_script:' + env.gd]
        # One pass only: with -2 it runs twice as long (about 80 G instructions, as much as all the
        # other comparisons together).
        modes['fields1']['gd'] = fields_args(OFF + gd, 'tcp.stream', GD_FIELD)
    return modes


def ir_jobs(env, caps, has_streams):
    """Every comparison's commands on the profile capture, then on the one-packet capture (to
    subtract tshark's start-up); the Lua ones first, as they take longest."""
    big, one = [], []
    for mode, variants in instruction_modes(env, has_streams).items():
        for var, args in variants.items():
            big.append(('%s.%s' % (mode, var), (caps['profile'], args, None)))
            one.append(('%s.%s.1' % (mode, var), (caps['one'], args, None)))
    big.sort(key=lambda j: (not j[0].endswith('.gd'), not j[0].endswith('.lua'), j[0].startswith('fields1')))
    return dict(big + one)


def ir_counts(env, caps, packets, has_streams, failures, tool):
    """{mode: {variant: Ir per packet, start-up subtracted}} of every comparison, and
    {mode: {variant: start-up Ir}}; deterministic, unlike times on a shared machine."""
    outs = run_callgrind(env, ir_jobs(env, caps, has_streams), scratch_dir(env, 'ir'), failures, tool)
    modes, startup = {}, {}
    for mode, variants in instruction_modes(env, has_streams).items():
        for var in variants:
            a, b = outs.get('%s.%s' % (mode, var)), outs.get('%s.%s.1' % (mode, var))
            if a and b:
                modes.setdefault(mode, {})[var] = (cg_total(a) - cg_total(b)) / (packets - 1)
                startup.setdefault(mode, {})[var] = cg_total(b)
    return modes, startup


# The comparisons whose tcplife and stock runs the profile breaks down by function (callgrind).
BREAKDOWN_MODES = ('fields1', 'fields2', 'verbose', 'summary', 'conv')


def profile_jobs(env, caps, ni_dir):
    """The callgrind jobs of the profile: tcplife on and off (and the -fno-inline build, from
    ni_dir unless None) on the profile capture and on the one-packet capture, and the tcplife
    and stock runs of BREAKDOWN_MODES."""
    on = fields_args([], 'tcp.stream', 'tcplife.phase')
    off = fields_args(OFF, 'tcp.stream')
    jobs = {}
    modes = instruction_modes(env)
    for mode in BREAKDOWN_MODES:
        for var in ('tcplife', 'stock'):
            jobs['%s.%s' % (mode, var)] = (caps['profile'], modes[mode][var], None)
    jobs.update({
        'on': (caps['profile'], on, None), 'off': (caps['profile'], off, None),
        'on1': (caps['one'], on, None), 'off1': (caps['one'], off, None),
    })
    if ni_dir:
        jobs['noinline'] = (caps['profile'], on, ni_dir)
    return jobs


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
    if any(n not in outs for n in ('on', 'off', 'on1', 'off1')):
        return None
    modes = {m: {'stock': (cg_total(outs[m + '.stock']) - cg_total(outs['off1'])) / (packets - 1),
                 'tcplife': (cg_total(outs[m + '.tcplife']) - cg_total(outs['on1'])) / (packets - 1)}
             for m in BREAKDOWN_MODES if m + '.stock' in outs and m + '.tcplife' in outs}
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


def file_digest(path, full=False):
    with open(path, 'rb') as f:
        h = hashlib.sha256(f.read()).hexdigest()
    return h if full else h[:16]


def sources_digest():
    h = hashlib.sha256()
    for path in sorted(glob.glob(os.path.join(REPO, 'plugin', '**', '*.[ch]'), recursive=True)):
        h.update(os.path.relpath(path, REPO).encode())
        with open(path, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def report(ctx, combined=False):
    """The results as Markdown (printed, and written to BENCHMARKS.md with --write)."""
    L = (report_header(ctx, combined) + report_targets(ctx) + report_results(ctx) + report_lua(ctx)
         + report_memory(ctx))
    if ctx['profile']:
        L += report_profile(ctx['profile'], ctx['caps'])
    if ctx.get('findings'):
        L.append(ctx['findings'])
    return '\n'.join(L) + '\n'


def report_header(ctx, combined=False):
    """Title, how the figures were made: machine, Wireshark, plugin, captures, commands."""
    L = ['# tcplife benchmarks', '']
    if ctx['tiny']:
        L += ['**Smoke test (`--tiny`): captures of a few thousand packets, start-up dominates; '
              'these numbers say nothing about performance.**', '']
    prof = ctx.get('profile') or {}
    how = ('instruction counts of every comparison; %d timed run(s) of the Lua comparison and the floods'
           % ctx['reps'] if ctx.get('quick') else
           '%d repetitions per timed command, medians; %d of the floods and the long connection'
           % (ctx['reps'], ctx.get('scale_reps', ctx['reps'])))
    run = 'bench/run.sh%s' % run_flags(ctx)
    if combined:
        L += ['Run: `%s` on %s (%s; it took %.0f min).' % (run, ctx['date'], how, ctx.get('minutes', 0)), '']
    else:
        L += ['Generated by `%s --write` on %s (%s; it took %.0f min). Do not edit by hand: change '
              '`bench/run.py` and regenerate.' % (run, ctx['date'], how, ctx.get('minutes', 0)), '']
    L += ['- Machine: %s; load average %s before the run, %s after (other work on the machine '
          'perturbs wall times more than CPU times)' % (ctx['machine'], ctx['load'][0], ctx['load'][1]),
          '- Wireshark: `%s`%s' % (ctx['ws'], (', with %s' % (ctx.get('lua_version') or 'Lua'))
                                   if ctx['has_lua'] else ', without Lua'),
          '- Plugin: `%s` (RelWithDebInfo, sha256 `%s…`), built from plugin/ sources with sha256 `%s…`%s'
          % (ctx['plugin_shown'], ctx.get('so_digest', '?'), ctx['digest'],
             '' if ctx.get('quick') else '; the profile\'s `-fno-inline` build is made from the sources '
             'at profile time') + ('; **the plugin is older than %d of these sources** (%s): it was built '
                                   'before they changed' % (len(ctx['stale_sources']), ', '.join(
                                       '`%s`' % f for f in ctx['stale_sources'][:4]) + (
                                       ', …' if len(ctx['stale_sources']) > 4 else ''))
                                   if ctx.get('stale_sources') else ''),
          '- Captures (`bench/gen_captures.py`, deterministic, in `%s`):' % ctx['dir']]
    for key in ('mix', 'lua', 'profile', 'scan-full', 'rst-full', 'long-full'):
        if key in ctx['cap_desc'] and not (key == 'lua' and ctx['caps'].get('mix') == ctx['caps'].get('lua')):
            L.append('  - `%s`: %s' % (os.path.basename(ctx['caps'][key]), ctx['cap_desc'][key]))
    halves = [os.path.basename(ctx['caps'][k + '-half']) for k in SCALE_KINDS if k + '-half' in ctx['caps']]
    if halves:
        L.append('  - half-size %s for linearity' % ', '.join('`%s`' % h for h in halves))
    if prof.get('modes'):
        L.append('- Instructions: `valgrind --tool=%s%s` on `%s` and on a one-packet capture, whose '
                 'count (start-up) is subtracted, as `nobody`; %s' % (
                     prof.get('ir_tool', 'callgrind'),
                     ' --cache-sim=no' if prof.get('ir_tool') == 'cachegrind' else '',
                     os.path.basename(ctx['caps']['profile']),
                     'cachegrind counts the same instructions as callgrind, about twice as fast'
                     if prof.get('ir_tool') == 'cachegrind' else 'callgrind'))
    L += ['- Every timed command runs as `/usr/bin/time -f "%%e %%U %%S %%M" <command>`, as the user `nobody` '
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
    L += nosummary_target_rows(by, modes)
    row = rss_target_row(by, sc)
    if row:
        L.append(row)
    L += memory_target_rows(ctx['memory'], ctx['sizes'])
    L += linearity_target_rows(ctx['scale'], ctx['profile'])
    L += lua_target_rows(by, modes, ctx['profile'])
    L += forced_dissection_rows(by, modes, ctx['ws_version'])
    return L + ['']


def time_target_rows(by, modes):
    """Judged on the worse of CPU time and instructions; wall time is shown, not judged.  Without
    timings (--quick), on instructions."""
    rows = []
    for key, t in TIME_TARGETS + (('color', TARGET_COLOR),):
        g = by.get(key)
        ri = ir_ratio(modes, key)
        title = g.title if g else MODE_TITLES[key]
        if key == 'color':
            title = MODE_TITLES[key]
        if g and g.by['stock'].wall and g.by['tcplife'].wall:
            st, tl = g.by['stock'], g.by['tcplife']
            rw, rc = ratio(tl.wall, st.wall), ratio(tl.cpu, st.cpu)
            judged = max(r for r in (rc, ri) if r is not None)
            shown = '%s CPU, %s instructions (%s wall)' % (fmt_ratio(rc), fmt_ratio(ri), fmt_ratio(rw))
        elif ri is not None:
            judged, shown = ri, '%s instructions (not timed)' % fmt_ratio(ri)
        else:
            continue
        rows.append(target_row('%s: time ≤ %.2fx stock' % (title, t), judged, t, shown))
    return rows


def nosummary_target_rows(by, modes):
    rows = []
    for key, t in TIME_TARGETS:
        g = by.get(key)
        ns = g.by.get('nosummary') if g else None
        m = modes.get(key, {})
        ri = ratio(m.get('nosummary'), m.get('stock'))
        name = ('%s, `-o tcplife.stream_summary:FALSE` (not the default): time ≤ %.2fx stock'
                % (g.title if g else MODE_TITLES[key], t))
        if ns and ns.cpu and g.by['stock'].cpu:
            rc = ratio(ns.cpu, g.by['stock'].cpu)
            rows.append(target_row(name, max(r for r in (rc, ri) if r is not None), t,
                                   '%s CPU, %s instructions (%s wall)' % (
                                       fmt_ratio(rc), fmt_ratio(ri), fmt_ratio(ratio(ns.wall, g.by['stock'].wall)))))
        elif ri is not None:
            rows.append(target_row(name, ri, t, '%s instructions (not timed)' % fmt_ratio(ri)))
    return rows


def rss_target_row(by, sc):
    """Judged on the worst peak-memory ratio of the mix comparisons and the full-size scale captures."""
    rss_rows = []
    for g in [by[k] for k, _ in TIME_TARGETS if by.get(k)]:
        rss_rows.append(('mix, ' + g.title, ratio(g.by['tcplife'].rss, g.by['stock'].rss)))
    for k in SCALE_KINDS:
        if k in sc and sc[k].by['tcplife-full'].samples:
            rss_rows.append((SCALE_NAMES[k] + ', one pass',
                             ratio(sc[k].by['tcplife-full'].rss, sc[k].by['stock-full'].rss)))
    if not rss_rows:
        return None
    worst = max((r for _, r in rss_rows if r), default=None)
    return target_row('peak memory ≤ %.2fx stock (worst case)' % TARGET_RSS, worst, TARGET_RSS,
                      ', '.join('%s %s' % (n, fmt_ratio(r)) for n, r in rss_rows))


SCALE_NAMES = {'scan': 'SYN flood', 'rst': 'RST flood', 'long': 'long'}


def memory_target_rows(mem, sizes):
    rows = []
    if mem:
        rows.append(target_row(
            'per-stream state ≤ %d B, brief stream (at most two segments)' % TARGET_STREAM_BYTES,
            max(mem['per_stream_own'], sizes.get('tcplife_brief_stream', 0)), TARGET_STREAM_BYTES,
            'brief stream allocated for its segments: %d B with one, %d B with two; SYN flood ΔRSS %.0f '
            'B/stream minus the per-packet share (%.0f B) = %.0f B' % (
                sizes.get('tcplife_brief_stream_1', 0), sizes.get('tcplife_brief_stream', 0),
                mem['per_stream'], mem['per_packet'], mem['per_stream_own'])))
        rows.append(target_row(
            'per-stream state ≤ %d B, full stream (from its third segment)' % TARGET_STREAM_BYTES,
            sizes.get('tcplife_stream'), TARGET_STREAM_BYTES,
            'sizeof(tcplife_stream) = %d B, plus an 8-byte table pointer and an 8-byte allocation header'
            % sizes.get('tcplife_stream', 0)))
        rows.append(target_row(
            'SYN flood (one-packet streams, each a SYN): bytes per stream ≤ %d B' % TARGET_STREAM_BYTES,
            mem['per_stream'], TARGET_STREAM_BYTES,
            '%.0f B/stream ΔRSS over stock (%s streams)' % (mem['per_stream'], '{:,}'.format(mem.get('scan_streams', 0)))))
        if 'rst_per_stream' in mem:
            rows.append(target_row(
                'RST flood (one-packet streams, each a bare RST): bytes per stream ≤ %d B' % TARGET_STREAM_BYTES,
                mem['rst_per_stream'], TARGET_STREAM_BYTES,
                '%.0f B/stream ΔRSS over stock (%s streams)' % (mem['rst_per_stream'],
                                                                '{:,}'.format(mem.get('rst_streams', 0)))))
        rows.append(target_row('per-packet ≤ %d B + Wireshark\'s per-packet data node (~%d B)'
                               % (TARGET_PACKET_BYTES, WS_NODE_BYTES),
                               mem['per_packet_own'], TARGET_PACKET_BYTES,
                               '%.1f B/packet ΔRSS, all of it tcplife\'s own (no Wireshark data node); '
                               'sizeof(tcplife_record) = %d B' % (mem['per_packet'], sizes.get('tcplife_record', 0))))
    elif sizes:
        rows.append(target_row('per-stream state ≤ %d B' % TARGET_STREAM_BYTES, sizes.get('tcplife_stream'),
                               TARGET_STREAM_BYTES, 'sizeof(tcplife_stream) = %d B (no flood measured)'
                               % sizes.get('tcplife_stream', 0)))
    return rows


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
    when no comparison has a Lua command."""
    gs = [g for g in (by.get('fields1'), by.get('fields2'), by.get('lua100k'))
          if g and 'lua' in g.by and g.by['lua'].samples]
    return gs or None


LUA_SCRIPTS = {'lua': '`tcp_phase.lua` (minimal, written for this benchmark)',
               'gd': '`gd_tcflag.lua` (the script users share)'}


def lua_target_rows(by, modes, prof):
    """Judged on the better of CPU time and instructions (Lua's added cost / tcplife's).  CPU time
    from the one-pass comparison on the timed mix for tcp_phase.lua (the Lua comparison's 100,000
    packets without it), from the Lua comparison for gd_tcflag.lua."""
    rows = []
    for script in ('lua', 'gd'):
        for mode, title in (('fields1', 'one pass, `-T fields`'), ('fields2', 'two passes, `-2 -T fields`')):
            g = by.get(mode) if script == 'lua' else None
            if mode == 'fields1' and not (g and script in g.by and g.by[script].samples):
                g = by.get('lua100k')
            lc = None
            if g and script in g.by and g.by[script].samples:
                st, tl, lu = g.by['stock'], g.by['tcplife'], g.by[script]
                lc = (lu.cpu - st.cpu) / (tl.cpu - st.cpu) if tl.cpu > st.cpu else None
            m = modes.get(mode, {})
            li = ((m[script] - m['stock']) / (m['tcplife'] - m['stock'])
                  if script in m and m['tcplife'] > m['stock'] else None)
            if lc is None and li is None:
                continue
            judged = min(r for r in (lc, li) if r is not None)
            shown = []
            if lc is not None:
                shown.append('%s by CPU time (Lua %+.1f s, tcplife %+.1f s on %s)' % (
                    fmt_ratio(lc), lu.cpu - st.cpu, tl.cpu - st.cpu, os.path.basename(g.capture)))
            if li is not None:
                shown.append('%s by instructions (%s packets)' % (
                    fmt_ratio(li), '{:,}'.format(prof['packets']) if prof else '?'))
            rows.append(target_row('%s, %s: Lua adds ≥ %.0fx the time tcplife adds' % (
                LUA_SCRIPTS[script], title, TARGET_LUA), judged, TARGET_LUA, ', '.join(shown), le=False))
    return rows


def forced_dissection_rows(by, modes, ws_version):
    """Not judged: the cost of the tree tcplife forces where tshark would build none."""
    q, s, c = by.get('quiet'), by.get('summary'), by.get('conv')
    rows = []
    if q:
        qs, ss = q.by['stock'].cpu, s.by['stock'].cpu if s else None
        why = ('tshark %s dissects nothing with a plain `-q` (stock %.2f s CPU, summary lines %.2f s), so there '
               'is nothing to force' % (ws_version, qs, ss) if ss and qs < 0.3 * ss else
               'stock %.2f s CPU, summary lines %s s' % (qs, '%.2f' % ss if ss else '?'))
        rows.append('| forced dissection, plain `-q` (report its cost) | %s CPU: %s | — |'
                    % (fmt_ratio(ratio(q.by['tcplife'].cpu, qs)), why))
    if s or 'summary' in modes:
        def cpu(g):
            return fmt_ratio(ratio(g.by['tcplife'].cpu, g.by['stock'].cpu)) + ' CPU, ' if g else ''
        rows.append('| forced dissection where tshark would dissect without a tree (report its cost) | '
                    'summary lines %s%s instructions; `-q -z conv,tcp` %s%s instructions | way out: '
                    '`--disable-protocol tcplife` (same cost as no plugin) |'
                    % (cpu(s), fmt_ratio(ir_ratio(modes, 'summary')), cpu(c), fmt_ratio(ir_ratio(modes, 'conv'))))
    return rows


# ---- the report: timings on the mix capture

def report_results(ctx):
    """Every command of every comparison on the mix capture, against its stock command; the notes."""
    caps = sorted({os.path.basename(g.capture) for g in ctx['groups']})
    L = ['## Results on %s' % ' and '.join('`%s`' % c for c in caps), '',
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
    """tcplife's added time against the Lua post-dissectors'."""
    gs = lua_groups(groups_by_key(ctx['groups']))
    if gs is None:
        return []
    L = ['**tcplife against Lua** (added time = time − stock time):', '',
         '| comparison | tcplife adds (wall / CPU) | Lua adds (wall / CPU) | Lua/tcplife (wall / CPU) |',
         '|------------|---------------------------|-----------------------|--------------------------|']
    for g in gs:
        st, tl = g.by['stock'], g.by['tcplife']
        for key in ('lua', 'gd'):
            lu = g.by.get(key)
            if not lu or not lu.samples:
                continue
            L.append('| %s, %s, `%s` | %+.2f s / %+.2f s | %+.2f s / %+.2f s | %.2fx / %.2fx |' % (
                g.title, LUA_SCRIPTS[key], os.path.basename(g.capture),
                tl.wall - st.wall, tl.cpu - st.cpu, lu.wall - st.wall, lu.cpu - st.cpu,
                (lu.wall - st.wall) / (tl.wall - st.wall) if tl.wall != st.wall else float('nan'),
                (lu.cpu - st.cpu) / (tl.cpu - st.cpu) if tl.cpu != st.cpu else float('nan')))
    L += ['',
          'The Lua post-dissectors, both run with `--disable-protocol tcplife -X lua_script:FILE`:', '',
          '- `bench/lua/tcp_phase.lua`, written for this benchmark, reads `tcp.stream` and `tcp.flags` '
          'with `Field.new`, classifies SYN/FIN/RST/other, keeps a per-stream and a per-frame table '
          'and adds 3 tree items; it does far less than tcplife (no sequence numbers, steps, stream '
          'summary or Zeek state), so its added time is a lower bound.']
    gd = ctx.get('gd')
    if gd:
        L.append('- `gd_tcflag.lua`, the TCP flags and handshake/teardown post-dissector that Wireshark '
                 'users share (%s, commit `%s`, %s; not part of this project, read at run time from '
                 '`%s`, sha256 `%s`), with its default preferences (flags, `tcp.analysis` and statistics '
                 'sections on), `-e %s`. It reads 20 fields per packet and keeps about 80 tables indexed '
                 'by stream.' % (gd.get('repository', '?'), gd.get('commit', '?'), gd.get('license', '?'),
                                 gd['path'], gd['sha256'], GD_FIELD))
        if (ctx.get('lua_version') or '').startswith('Lua 5.4'):
            L[-1] += (' With %s, which has no `loadstring`, it stops with a Lua error on the packets where it '
                      'calls it (about half of the mix), so it does less work than on Lua 5.2.'
                      % ctx['lua_version'])
    return L + ['']


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
            st, tl = g.by.get('stock-' + size), g.by.get('tcplife-' + size)
            if not st or not tl or not st.samples or not tl.samples:
                continue
            cap = st.capture
            info = cap_info[cap]
            rows.append('| `%s` | %d | %d | %.2f | %.2f | %s | %s | %.0f | %.0f | %.1f |' % (
                os.path.basename(cap), info['packets'], info['streams'], st.cpu, tl.cpu,
                fmt_ratio(ratio(tl.cpu, st.cpu)), fmt_ratio(ratio(tl.wall, st.wall)),
                st.rss / 1024, tl.rss / 1024, (tl.rss - st.rss) / 1024))
    return rows


def memory_bullets(mem, sizes):
    L = []
    if mem:
        L.append('- Per stream (SYN scan, one packet per stream): ΔRSS %.0f B/stream; minus the per-packet '
                 'share measured on the long connection (%.0f B) leaves **%.0f B per stream**. Such a stream '
                 'is brief: its endpoints and first segment (%d B; %d B once it has two), with a '
                 'pointer in a table indexed by `tcp.stream`; its state is rebuilt by replaying them when a '
                 'view reads it. From its third segment a stream is full: sizeof(tcplife_stream) = %d B.' % (
                     mem['per_stream'], mem['per_packet'], mem['per_stream_own'],
                     sizes.get('tcplife_brief_stream_1', 0), sizes.get('tcplife_brief_stream', 0),
                     sizes.get('tcplife_stream', 0)))
        if 'rst_per_stream' in mem:
            L.append('- Per stream (RST flood: one bare RST per stream, no SYN before it): ΔRSS %.0f B/stream, '
                     '%.0f B minus the per-packet share.' % (mem['rst_per_stream'], mem['rst_per_stream_own']))
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
        st = il.get('startup', prof.get('startup_off', 0))
        added = {k: (il[k]['tcplife'] - il[k]['stock']) / il[k]['packets'] for k in ('half', 'full')}
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
               'color': '`--color` (the GUI\'s first pass)',
               'streams': '`-q -z tcplife,streams` vs `-q -z conv,tcp`',
               'conv': '`-q -z conv,tcp`'}


def report_profile(prof, caps):
    name = os.path.basename(caps['profile'])
    if 'total_on' not in prof:    # --quick: the instruction counts only
        return ['## Profile (instructions, `%s`)' % name, ''] + modes_table(prof)
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


MODE_ORDER = ('fields1', 'fields2', 'verbose', 'color', 'summary', 'streams', 'conv')


def in_order(d):
    """The (mode, value) items of d in the order of the report (JSON files may sort their keys)."""
    return sorted(d.items(), key=lambda kv: MODE_ORDER.index(kv[0]) if kv[0] in MODE_ORDER else 99)


def modes_table(prof):
    """Instructions per packet of each comparison, and the Lua post-dissectors' added instructions
    against tcplife's."""
    if not prof.get('modes'):
        return []
    tool = prof.get('ir_tool', 'callgrind')
    L = ['Instructions per packet of each comparison (%s, start-up subtracted; deterministic, so '
         'unaffected by other load on the machine):' % tool, '',
         '| comparison | stock Ir/packet | Ir/packet | ratio | added / tcplife\'s added |',
         '|------------|----------------:|----------:|------:|------------------------:|']
    for mode, v in in_order(prof['modes']):
        if 'stock' not in v or 'tcplife' not in v:
            continue
        added = v['tcplife'] - v['stock']
        for var in ('tcplife', 'nosummary', 'lua', 'gd'):
            if var not in v:
                continue
            name = MODE_TITLES.get(mode, mode) + ('' if var == 'tcplife' else ', ' + VARIANT_NAMES[var])
            L.append('| %s | %.0f | %.0f | **%.2fx** | %s |' % (
                name, v['stock'], v[var], v[var] / v['stock'],
                '%.2fx' % ((v[var] - v['stock']) / added) if var != 'tcplife' and added > 0 else '—'))
    return L + ['']


def breakdown_table(prof):
    """BREAKDOWN_FNS' added instructions per packet, one column per comparison."""
    bd = dict(in_order(prof.get('breakdown') or {}))
    modes = prof.get('modes') or {}
    bd = {m: v for m, v in bd.items() if 'tcplife' in modes.get(m, {}) and 'stock' in modes.get(m, {})}
    if not bd:
        return []
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


def write_report(text, path=None):
    path = path or os.path.join(REPO, 'BENCHMARKS.md')
    with open(path, 'w') as f:
        f.write(text)
    log('wrote %s' % path)


def emit(text, write, out=None, echo=True):
    """Prints the report, and writes it to out, or to BENCHMARKS.md with --write."""
    if echo:
        print(text)
    if write or out:
        write_report(text, out)


# ---- results as JSON, and several Wireshark versions side by side -----------------

def ctx_to_json(ctx):
    """The results of a run as plain data (the JSON of --json)."""
    d = {k: v for k, v in ctx.items() if k not in ('groups', 'scale', 'findings')}
    d['groups'] = [group_to_json(g) for g in ctx['groups']]
    d['scale'] = [group_to_json(g) for g in ctx['scale']]
    # The compact table of instructions per packet (what --quick prints), flat.
    d['ir_table'] = [{'mode': mode, 'variant': var, 'comparison': MODE_TITLES.get(mode, mode),
                      'stock_ir_per_packet': v['stock'], 'ir_per_packet': v[var], 'ratio': v[var] / v['stock']}
                     for mode, v in in_order((ctx.get('profile') or {}).get('modes') or {})
                     for var in ('tcplife', 'nosummary', 'lua', 'gd') if var in v and v.get('stock')]
    return d


def group_to_json(g):
    return {'key': g.key, 'title': g.title, 'capture': g.capture, 'note': g.note,
            'variants': [{'key': v.key, 'args': v.args, 'plugin': v.plugin,
                          'capture': getattr(v, 'capture', None), 'samples': v.samples,
                          'wall': v.wall, 'cpu': v.cpu, 'rss_kib': v.rss} for v in g.variants]}


def ctx_from_json(d):
    ctx = dict(d)
    ctx['groups'] = [group_from_json(g) for g in d['groups']]
    ctx['scale'] = [group_from_json(g) for g in d['scale']]
    ctx['findings'] = read_findings()
    return ctx


def group_from_json(d):
    vs = []
    for vd in d['variants']:
        v = Variant(vd['key'], vd['args'], vd['plugin'])
        v.samples = [tuple(x) for x in vd['samples']]
        if vd.get('capture'):
            v.capture = vd['capture']
        vs.append(v)
    return Group(d['key'], d['title'], d['capture'], vs, d.get('note'))


def default_json(args, ws_version):
    return os.path.join(args.dir, 'results-%s%s.json' % (ws_version, '-quick' if args.quick else
                                                        '-tiny' if args.tiny else ''))


def write_json(path, ctx):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(ctx_to_json(ctx), f, indent=1)
        f.write('\n')
    log('wrote %s' % path)


def table_blocks(text):
    """The lines of a Markdown text, with each table as one block: [(token, lines)]."""
    blocks, lines = [], text.split('\n')
    i = 0
    while i < len(lines):
        if lines[i].startswith('|'):
            j = i
            while j < len(lines) and lines[j].startswith('|'):
                j += 1
            blocks.append(('TABLE ' + lines[i], lines[i:j]))
            i = j
        else:
            blocks.append((lines[i], [lines[i]]))
            i += 1
    return blocks


def cells(row):
    return [c.strip() for c in row.strip()[1:-1].split('|')]


def merge_tables(tables, labels):
    """One table from the same table of several runs: rows matched by their first cell; a column
    whose cells are the same in every run is shown once, any other once per run (None when the
    tables do not have the same columns)."""
    parsed = []
    for t in tables:
        rows, seen = {}, {}
        for r in t[2:]:
            c = cells(r)
            n = seen[c[0]] = seen.get(c[0], 0) + 1
            rows[(c[0], n)] = c
        parsed.append(rows)
    header, align = cells(tables[0][0]), cells(tables[0][1])
    if (len(align) != len(header) or any(cells(t[0]) != header for t in tables)
            or any(len(c) != len(header) for p in parsed for c in p.values())):
        return None
    keys = []
    for p in parsed:
        keys += [k for k in p if k not in keys]
    # A column is shown once when every row has the same cell in every run that has the row.
    once = [j == 0 or all(len({p[k][j] for p in parsed if k in p}) == 1 for k in keys)
            for j in range(len(header))]
    head, sep = [], []
    for j, h in enumerate(header):
        if once[j]:
            head.append(h)
            sep.append(align[j])
        else:
            head += ['%s, %s' % (h, lab) if h else lab for lab in labels]
            sep += [align[j]] * len(labels)
    out = ['| ' + ' | '.join(head) + ' |', '|' + '|'.join(sep) + '|']
    for k in keys:
        row = []
        for j in range(len(header)):
            vals = [p[k][j] if k in p else '—' for p in parsed]
            row += [k[0] if j == 0 else next(p[k][j] for p in parsed if k in p)] if once[j] else vals
        out.append('| ' + ' | '.join(row) + ' |')
    return out


def labelled(line, label):
    """A line of one run only, marked with its Wireshark version."""
    if not line.strip() or line.startswith('#'):
        return line
    m = re.match(r'^(\s*(?:[-*]|\d+\.)\s+)(.*)$', line)
    if m:
        return '%s**[%s]** %s' % (m.group(1), label, m.group(2))
    return '**[%s]** %s' % (label, line)


def merge_reports(texts, labels):
    """Several reports of the same shape (one per Wireshark version) as one: lines they share once,
    tables merged side by side (a column per version where they differ), other lines marked."""
    import difflib
    a, b = table_blocks(texts[0]), table_blocks(texts[1])
    out = []
    sm = difflib.SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == 'equal':
            for (tok, la), (_, lb) in zip(a[i1:i2], b[j1:j2]):
                if tok.startswith('TABLE '):
                    m = merge_tables([la, lb], labels)
                    out += m if m else (['**[%s]**' % labels[0], ''] + la + ['', '**[%s]**' % labels[1], ''] + lb)
                else:
                    out += la
            continue
        for blocks, lab in ((a[i1:i2], labels[0]), (b[j1:j2], labels[1])):
            for tok, lines in blocks:
                if tok.startswith('TABLE '):
                    out += ['', '**[%s only]**' % lab, ''] + lines + ['']
                else:
                    out += [labelled(l, lab) for l in lines]
    text = '\n'.join(out)
    return re.sub(r'\n{3,}', '\n\n', text)


def combine(args):
    """--combine: the report of several runs (JSON), their Wireshark versions side by side."""
    ctxs = []
    for path in args.combine:
        with open(path) as f:
            ctxs.append(ctx_from_json(json.load(f)))
    labels = ['Wireshark %s' % c['ws_version'] for c in ctxs]
    if len(ctxs) == 1:
        return emit(report(ctxs[0]), args.write, args.out) or 0
    if len(ctxs) != 2:
        sys.exit('--combine takes one or two JSON files')
    texts = [report(c, combined=True) for c in ctxs]
    body = merge_reports(texts, labels)
    head = ['# tcplife benchmarks', '',
            'Generated by `bench/run.sh --combine %s` from the runs below (%s). Do not edit by hand: '
            'change `bench/run.py` and regenerate. Where the versions differ, a table has a column '
            'per version and a line is marked with its version.' % (
                ' '.join(os.path.basename(p) for p in args.combine),
                '; '.join('%s: `bench/run.sh%s` on %s, %s' % (
                    lab, run_flags(c), c['date'], reps_text(c)) for lab, c in zip(labels, ctxs))),
            '']
    body = body.split('\n', 2)[2] if body.startswith('# tcplife benchmarks\n') else body
    emit('\n'.join(head) + '\n' + body.lstrip('\n'), args.write, args.out)
    return 0


def run_flags(ctx):
    return ' --quick' if ctx.get('quick') else ' --tiny' if ctx.get('tiny') else ''


def reps_text(ctx):
    if ctx.get('quick'):
        return 'instruction counts, %d timed run(s) per command' % ctx['reps']
    return '%d repetitions per timed command (medians), %s for the floods' % (
        ctx['reps'], '%d' % ctx.get('scale_reps', ctx['reps']))


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
    ap.add_argument('--quick', action='store_true',
                    help='instruction counts of every comparison on 20,000 packets, Lua CPU time on 100,000 '
                         'packets, floods of 100,000 streams (under 10 minutes)')
    ap.add_argument('--tiny', action='store_true', help='~2k-packet captures, 1 repetition, no profile')
    ap.add_argument('--write', action='store_true', help='write BENCHMARKS.md at the top of the repository')
    ap.add_argument('--out', help='write the report here (instead of BENCHMARKS.md with --write)')
    ap.add_argument('--json', help='write the results here (default <--dir>/results-<major.minor>[-quick].json)')
    ap.add_argument('--combine', nargs='+', metavar='JSON',
                    help='no measurement: one report from the JSON of runs on one or two Wireshark versions')
    ap.add_argument('--reps', type=int, help='repetitions per timed command (default 3; --tiny, --quick: 1)')
    ap.add_argument('--scale-reps', type=int, help='repetitions of the flood and long-connection commands '
                                                   '(default 1: peak RSS is what they are for)')
    ap.add_argument('--packets', type=int, help='size of the timed mix capture (default 200000; --tiny: 2000)')
    ap.add_argument('--flood-packets', type=int,
                    help='size of the SYN flood, RST flood and long connection (default 1000000; '
                         '--quick: 100000; --tiny: 2000); half sizes too, except with --quick')
    ap.add_argument('--lua-packets', type=int, help='size of the mix for the Lua comparison (default 100000; '
                                                     '--tiny: 2000)')
    ap.add_argument('--profile-packets', type=int, default=20000)
    ap.add_argument('--ir-tool', choices=('cachegrind', 'callgrind'), default='cachegrind',
                    help='what counts the instructions of every comparison (the same count; cachegrind '
                         'without cache simulation is about twice as fast); the profile always uses callgrind')
    ap.add_argument('--gd-tcflag', default=GD_TCFLAG,
                    help='gd_tcflag.lua, read at run time, never copied into the project (default %(default)s)')
    ap.add_argument('--no-profile', action='store_true')
    ap.add_argument('--only', help='comma-separated groups: fields1,fields2,verbose,streams,color,quiet,summary,'
                                   'conv,lua100k,scan,rst,long')
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
    if args.combine:
        return combine(args)
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
    emit(report(ctx), args.write, args.out)
    return 0


def profile_captures(n, linearity=True):
    """(key, kind, packets) of the profile's captures: n packets of the mix, a one-packet mix to
    measure start-up, and SYN scans of 2n and n packets for the instruction linearity."""
    caps = (('profile', 'mix', n), ('one', 'mix', 1))
    if linearity:
        caps += (('linscan-full', 'scan', n * 2), ('linscan-half', 'scan', n))
    return caps


def rerun_profile(args, saved, plugin):
    """--profile-only / --linearity-only: remeasures with callgrind and merges into the last full run."""
    failures = []
    ctx = load_run(saved)
    for key, kind, n in profile_captures(args.profile_packets):
        ctx['caps'][key] = gen_captures.generate(args.dir, kind, n, quiet=True)
    env = Env(plugin, args.tshark, args.gd_tcflag)
    try:
        if not env.check_loaded():
            sys.exit('tshark did not load %s' % plugin)
        if args.profile_only:
            has_streams = streams_report_exists(env, ctx['caps']['sanity'])[0]
            ctx['profile'] = profile(env, ctx['caps'], args.profile_packets, failures)
            if ctx['profile']:
                ctx['profile']['modes'], ctx['profile']['startup'] = ir_counts(
                    env, ctx['caps'], args.profile_packets, has_streams, failures, args.ir_tool)
                ctx['profile']['ir_tool'] = args.ir_tool
        if ctx['profile']:
            ctx['profile']['linearity'] = instruction_linearity(env, ctx['caps'], failures, args.ir_tool)
        ctx['notes'] = [n for n in ctx['notes'] if not n.startswith('the profile was taken')]
        if file_digest(plugin) != ctx.get('so_digest'):
            ctx['notes'].append('the profile was taken on another build of the plugin than the '
                                'timings (sha256 %s… against %s…).' % (file_digest(plugin), ctx.get('so_digest')))
    finally:
        env.close()
    save_run(saved, ctx)
    ctx['findings'] = read_findings()
    emit(report(ctx), args.write, args.out)
    for f in failures:
        log('  ' + f)
    return 1 if failures else 0


def run_sizes(args):
    """(mix, flood, Lua mix, reps, flood reps) of this kind of run."""
    if args.tiny:
        return (args.packets or 2000, args.flood_packets or 2000, args.lua_packets or 2000,
                args.reps or 1, args.scale_reps or 1)
    if args.quick:
        return (None, args.flood_packets or 100000, args.lua_packets or 100000, args.reps or 1,
                args.scale_reps or 1)
    return (args.packets or 200000, args.flood_packets or 1000000, args.lua_packets or 100000,
            args.reps or 3, args.scale_reps or 1)


def generate_captures(directory, packets, flood, lua_packets, profile_packets, half=True):
    """({key: path}, {path: capture_info}) of the captures of a run: the timed mix (unless packets
    is None), the floods and the long connection (and their half sizes), the Lua mix and the
    profile's (unless profile_packets is None)."""
    wanted = [('sanity', 'mix', 2000), ('lua', 'mix', lua_packets)]
    if packets:
        wanted.append(('mix', 'mix', packets))
    for kind in SCALE_KINDS:
        wanted.append((kind + '-full', kind, flood))
        if half:
            wanted.append((kind + '-half', kind, flood // 2))
    if profile_packets is not None:
        wanted += profile_captures(profile_packets, linearity=half)
    caps, cap_info = {}, {}
    for key, kind, n in wanted:
        path = gen_captures.capture_path(directory, kind, n)
        if not os.path.exists(path):
            log('generating %s' % path)
        caps[key] = gen_captures.generate(directory, kind, n, quiet=True)
        cap_info[caps[key]] = gen_captures.capture_info(caps[key])
    if not packets:
        caps['mix'] = caps['lua']
    return caps, cap_info


def full_run(args, saved, plugin, load0):
    """Measures everything (or, with --quick, the instruction counts and the Lua and flood
    figures); prints the report, writes the JSON (and BENCHMARKS.md with --write); returns the
    exit status."""
    t0 = datetime.datetime.now(datetime.timezone.utc)
    packets, flood, lua_packets, reps, scale_reps = run_sizes(args)
    do_profile = not args.no_profile and not args.tiny
    only = set(args.only.split(',')) if args.only else None
    failures = []
    caps, cap_info = generate_captures(args.dir, packets, flood, lua_packets,
                                       args.profile_packets if do_profile else None, half=not args.quick)
    env = Env(plugin, args.tshark, args.gd_tcflag)
    env.quick = args.quick
    try:
        if not env.check_loaded():
            sys.exit('tshark did not load %s (built for another Wireshark?)' % plugin)
        log('%s; plugin %s; %s' % (env.version_line, plugin, 'with Lua' if env.has_lua else 'no Lua'))
        ctx = measure(env, caps, cap_info, reps, scale_reps, only, failures, quick=args.quick)
        prof = None
        if do_profile:
            prof = (profile(env, caps, args.profile_packets, failures) if not args.quick
                    else {'packets': args.profile_packets})
            if prof is not None:
                prof['ir_tool'] = args.ir_tool
                prof['modes'], prof['startup'] = ir_counts(env, caps, args.profile_packets,
                                                           ctx['has_streams'], failures, args.ir_tool)
                if not args.quick:
                    prof['linearity'] = instruction_linearity(env, caps, failures, args.ir_tool)
        ctx['profile'] = prof
        ctx.update(describe_run(env, args, plugin, caps, cap_info, reps, load0))
        ctx['scale_reps'] = scale_reps
        ctx['minutes'] = (datetime.datetime.now(datetime.timezone.utc) - t0).total_seconds() / 60
        ctx['failures'] = failures
        if not args.tiny and not args.quick and not only:
            save_run(saved, ctx)
        write_json(args.json or default_json(args, env.ws_version), ctx)
        if args.quick:
            print(quick_table(ctx))
            if args.write or args.out:
                emit(report(ctx), args.write, args.out, echo=False)
        else:
            emit(report(ctx), args.write, args.out)
    finally:
        env.close()
    log('took %.1f min' % ctx['minutes'])
    if failures:
        log('FAILURES:')
        for f in failures:
            log('  ' + f)
        return 1
    return 0


def quick_table(ctx):
    """The compact table of --quick: Ir per packet of every comparison, and the Lua CPU times."""
    prof = ctx['profile'] or {}
    modes = prof.get('modes') or {}
    L = ['', '%s, %s Ir per packet on %s packets of %s (start-up subtracted)' % (
        ctx['ws'], prof.get('ir_tool', '?'), '{:,}'.format(prof.get('packets', 0)),
        os.path.basename(ctx['caps'].get('profile', '?'))), '',
        '%-62s %12s %12s %7s' % ('comparison', 'stock Ir/p', 'other Ir/p', 'ratio')]
    for mode, v in in_order(modes):
        for var in ('tcplife', 'nosummary', 'lua', 'gd'):
            if var in v and 'stock' in v:
                name = MODE_TITLES.get(mode, mode).replace('`', '')
                if var != 'tcplife':
                    name += ', ' + VARIANT_NAMES_PLAIN[var]
                L.append('%-62s %12.0f %12.0f %6.2fx' % (name[:62], v['stock'], v[var], v[var] / v['stock']))
    g = groups_by_key(ctx['groups']).get('lua100k')
    if g and g.by['stock'].samples:
        st = g.by['stock']
        L += ['', 'CPU s on %s (%d run(s) each, median): ' % (os.path.basename(g.capture), ctx['reps']) +
              ', '.join('%s %.2f' % (v.key, v.cpu) for v in g.variants if v.samples)]
        tl = g.by['tcplife']
        for v in g.variants:
            if v.key in ('lua', 'gd') and v.samples and tl.cpu > st.cpu:
                L.append('  %s adds %+.2f s, tcplife adds %+.2f s: %.1fx' % (
                    v.key, v.cpu - st.cpu, tl.cpu - st.cpu, (v.cpu - st.cpu) / (tl.cpu - st.cpu)))
    mem = ctx.get('memory')
    if mem:
        L.append('')
        L.append('per stream (ΔRSS, minus %.1f B/packet): SYN flood %.0f B, RST flood %s B; '
                 'brief stream %s/%s B (one/two segments), sizeof(tcplife_stream) %s B' % (
                     mem['per_packet'], mem['per_stream_own'],
                     '%.0f' % mem['rst_per_stream_own'] if 'rst_per_stream_own' in mem else '?',
                     ctx['sizes'].get('tcplife_brief_stream_1', '?'), ctx['sizes'].get('tcplife_brief_stream', '?'),
                     ctx['sizes'].get('tcplife_stream', '?')))
    return '\n'.join(L) + '\n'


def measure(env, caps, cap_info, reps, scale_reps, only, failures, quick=False):
    """Sanity checks, struct sizes, and the timed comparisons (all, or the groups in only; with
    quick, only the Lua comparison and the full-size floods)."""
    notes = []
    if not env.has_lua:
        notes.append('this tshark has no Lua: the Lua rows are skipped.')
    elif not env.gd:
        notes.append('gd_tcflag.lua was not found: its rows are skipped.')
    has_streams, why = streams_report_exists(env, caps['sanity'])
    if not has_streams:
        notes.append('`-z tcplife,streams` is not in this build of the plugin (%s): its row is skipped.' % why)
    sanity(env, caps, has_streams, failures, notes)
    sizes = struct_sizes(failures)
    groups = [g for g in comparison_groups(env, caps, has_streams, env.lua)
              if (not only or g.key in only) and (not quick or g.key == 'lua100k')]
    scale = [g for g in scale_groups(caps, ('full',) if quick else ('full', 'half')) if not only or g.key in only]
    for g in groups + scale:
        r = scale_reps if g in scale else reps
        log('%s (%d reps)' % (g.key, r))
        warm_cache(g)
        run_group(env, g, r, failures)
    return {'groups': groups, 'scale': scale, 'sizes': sizes, 'notes': notes, 'has_streams': has_streams,
            'memory': memory_figures(scale, caps, cap_info), 'linearity': linearity(scale, 'wall')}


def gd_source(path):
    """Where gd_tcflag.lua came from: its path, sha256, and the repository and commit its
    README.md names."""
    if not path or not os.path.exists(path):
        return None
    res = {'path': os.path.abspath(path), 'sha256': file_digest(path, full=True)}
    readme = os.path.join(os.path.dirname(path), 'README.md')
    if os.path.exists(readme):
        with open(readme) as f:
            text = f.read()
        m = re.search(r'repository `([^`]+)`, commit `([0-9a-f]+)`', text)
        if m:
            res['repository'], res['commit'] = m.group(1), m.group(2)
        m = re.search(r'(GPL-[\d.]+)', text)
        if m:
            res['license'] = m.group(1)
    return res


def describe_run(env, args, plugin, caps, cap_info, reps, load0):
    """What the report says about the run: captures, machine, versions, digests, date, load."""
    def desc(key, text):
        return text % (cap_info[caps[key]]['packets'], cap_info[caps[key]]['streams']) if key in caps else None
    mixtext = ('%d packets, %d interleaved connections (handshakes, data both ways, 4-way/3-way/server '
               'closes, refused, unanswered, aborted, RST after close; HTTP and TLS)')
    cap_desc = {
        'mix': desc('mix', mixtext),
        'lua': desc('lua', mixtext + ', for the Lua comparison'),
        'profile': desc('profile', mixtext + ', for the instruction counts'),
        'scan-full': desc('scan-full', 'SYN flood (SYN scan): %d packets, %d one-packet streams'),
        'rst-full': desc('rst-full', 'RST flood: %d packets, %d one-packet streams, each a bare RST '
                                     '(no SYN before it)'),
        'long-full': desc('long-full', 'one connection of %d packets (%d stream; interactive TLS)'),
    }
    findings = read_findings()
    stale = [os.path.relpath(f, REPO) for f in sorted(glob.glob(os.path.join(REPO, 'plugin', '**', '*.[ch]'),
                                                                recursive=True))
             if os.path.getmtime(f) > os.path.getmtime(plugin)]
    return {
        'stale_sources': stale,
        'caps': caps, 'cap_info': cap_info, 'cap_desc': {k: v for k, v in cap_desc.items() if v},
        'reps': reps, 'date': datetime.date.today().isoformat(), 'machine': machine_info(),
        'ws': env.version_line, 'ws_version': env.ws_version, 'has_lua': env.has_lua,
        'lua_version': env.lua_version,
        'plugin_shown': plugin, 'digest': sources_digest(), 'so_digest': file_digest(plugin),
        'dir': args.dir, 'findings': findings, 'quick': args.quick,
        'gd': gd_source(args.gd_tcflag) if env.gd else None,
        'tiny': args.tiny, 'load': (load0, '%.2f' % os.getloadavg()[0]),
    }


if __name__ == '__main__':
    sys.exit(main())
