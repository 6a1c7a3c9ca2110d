#!/usr/bin/python3
"""Corrupted and pathological captures through the stock tshark with the
plugin under ASan+UBSan.

  corrupt_captures.py corrupt [options] CAPTURE...
  corrupt_captures.py crafted

corrupt: every CAPTURE is mutated with `editcap -E PROB --seed SEED [-o
OFFSET]` (random byte changes in the packet data; -o spares the first bytes,
e.g. the Ethernet header, so more of the damage lands in IP and TCP) and cut
with `editcap -s SNAPLEN`, into a temporary folder (nothing is kept).  Each
mutated file is read by tshark with tcplife_asan.so in one pass and two
passes, with and without -V, and once with the plugin's reports (-z
tcplife,streams / ladder / table).  A run fails on any sanitizer report, on
a crash, or when its exit status differs from the stock tshark's
(`--disable-protocol tcplife`, same arguments, same file, no sanitizer).

By default (ctest) the mutated copies of all captures made with one
mutation are concatenated (mergecap -a) into one file per mutation, so every
capture is exercised at every mutation for the cost of one tshark start;
the streams of one capture then also meet the state left by the previous
ones.  Options:
  --per-file        one tshark run per mutated capture instead (slow: ~7 s each)
  --seeds N         seeds per probability (default 1: seeds differ per mutation)
  --probs P,P,...   editcap -E probabilities (default 0.003,0.01,0.03,0.1)
  --snaplens N,...  editcap -s snap lengths (default 34,40,54,60,66)
  --jobs N          parallel tshark runs (default 1)
docs/robustness.md gives the long runs.

crafted: pathological captures written here, same checks: pcapng files whose
timestamps lie beyond what nanoseconds in 64 bits hold (year 2262 and later,
before 1677), and frames with ten nested TCP layers (TCP/GTP-U/IP/TCP/...,
decoded with -d tcp.port==2152,gtp), more than the plugin annotates per frame
(docs/robustness.md, Findings 1 and 3).

Environment, as for tests/tshark/check_sanitized.py: TCPLIFE_ASAN_PLUGIN,
TCPLIFE_SANITIZER_PRELOAD, TCPLIFE_WS_VERSION, and TCPLIFE_PLUGIN (the
normal plugin, for the stock runs).
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from tshark_env import TsharkEnv  # noqa: E402

REPORT = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer")
MODES = [[], ["-2"], ["-V"], ["-2", "-V"],
         ["-q", "-z", "tcplife,streams", "-z", "tcplife,ladder,all", "-z", "tcplife,table"]]


def sanitizer_environment():
    os.environ["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1:exitcode=86"
    os.environ["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:exitcode=87"


def make_envs():
    asan = TsharkEnv(os.environ["TCPLIFE_ASAN_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"],
                     preload=os.environ["TCPLIFE_SANITIZER_PRELOAD"])
    try:
        stock = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    except BaseException:
        asan.close()
        raise
    return asan, stock


def mutations(args):
    """(name, editcap arguments) for every mutation asked for."""
    out = []
    seed = 0
    for offset in (0, 14):
        for prob in args.probs:
            for _ in range(args.seeds):
                seed += 1
                name = "E%g-seed%d%s" % (prob, seed, "-o%d" % offset if offset else "")
                extra = ["-o", str(offset)] if offset else []
                out.append((name, ["-E", str(prob), "--seed", str(seed)] + extra))
    for snap in args.snaplens:
        out.append(("s%d" % snap, ["-s", str(snap)]))
    return out


def editcap(src, dst, eargs):
    subprocess.run(["editcap"] + eargs + [src, dst], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.chmod(dst, 0o644)


def check_file(asan, stock, path, label, extra=()):
    """All modes on one file; returns a list of failure messages."""
    failures = []
    for mode in MODES:
        mode = list(extra) + mode
        ref = stock.run(["-r", path, "--disable-protocol", "tcplife"] + mode, check=False)
        got = asan.run(["-r", path] + mode, check=False)
        what = "%s %s" % (label, " ".join(mode) or "(one pass)")
        if REPORT.search(got.stderr):
            failures.append("%s: sanitizer report (exit %d)\n%s" % (what, got.returncode,
                                                                    got.stderr[-4000:]))
        elif got.returncode != ref.returncode:
            failures.append("%s: exit %d, stock tshark %d\n%s" % (what, got.returncode,
                                                                 ref.returncode, got.stderr[-2000:]))
    return failures


def corrupt(args):
    sanitizer_environment()
    asan, stock = make_envs()
    work = tempfile.mkdtemp(prefix="tcplife-corrupt-")
    os.chmod(work, 0o755)
    failures, files, runs = [], 0, 0
    start = time.monotonic()
    try:
        jobs = []
        for name, eargs in mutations(args):
            mutated = []
            for capture in args.captures:
                base = os.path.splitext(os.path.basename(capture))[0]
                dst = os.path.join(work, "%s.%s.pcap" % (base, name))
                editcap(capture, dst, eargs)
                mutated.append(dst)
            files += len(mutated)
            if args.per_file:
                jobs += [(m, os.path.basename(m)) for m in mutated]
            else:
                batch = os.path.join(work, "all.%s.pcapng" % name)
                subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", batch] + mutated,
                               check=True, stderr=subprocess.PIPE)
                os.chmod(batch, 0o644)
                jobs.append((batch, "%d captures, editcap %s" % (len(mutated), " ".join(eargs))))
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for result in pool.map(lambda job: check_file(asan, stock, *job), jobs):
                failures += result
        runs = len(jobs) * len(MODES)
    finally:
        asan.close()
        stock.close()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("corrupted captures: %d mutated files (%d mutations x %d captures) in %d tshark files, "
          "%d sanitized runs and as many stock runs, %.0f s"
          % (files, len(mutations(args)), len(args.captures), len(jobs), runs,
             time.monotonic() - start))
    print("%d passed, %d failed" % (runs - len(failures), len(failures)))
    return 1 if failures else 0


# ---- crafted captures: extreme timestamps, deep nesting ------------------------

def _block(kind, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def _option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def _ip_tcp(src, dst, sport, dport, flags, seq, ack):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src, dst)
    return b"\x00\x01\x02\x03\x04\x05\x00\x01\x02\x03\x04\x06\x08\x00" + ip + tcp


def extreme_pcapng(path, tsresol, stamps):
    """A whole connection (handshake, close) whose packets carry `stamps` in turn."""
    a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    packets = [_ip_tcp(a, b, 40000, 80, 0x02, 1000, 0), _ip_tcp(b, a, 80, 40000, 0x12, 5000, 1001),
               _ip_tcp(a, b, 40000, 80, 0x10, 1001, 5001), _ip_tcp(a, b, 40000, 80, 0x11, 1001, 5001),
               _ip_tcp(b, a, 80, 40000, 0x11, 5001, 1002), _ip_tcp(a, b, 40000, 80, 0x10, 1002, 5002)]
    out = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += _block(1, struct.pack("<HHI", 1, 0, 0) + _option(9, bytes([tsresol])) + _option(0, b""))
    for i, p in enumerate(packets):
        ts = stamps[i % len(stamps)]
        out += _block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(p), len(p)) + p)
    with open(path, "wb") as f:
        f.write(out)
    os.chmod(path, 0o644)


def _gtp(inner):
    return struct.pack("!BBHI", 0x30, 0xFF, len(inner), 1) + inner


def nested_pcap(path, depth):
    """A connection whose every packet carries `depth` nested TCP layers."""
    def frame(flags, seq, ack, reverse):
        pkt = b""
        for level in range(depth, 0, -1):
            a, b = bytes([10, 0, level, 1]), bytes([10, 0, level, 2])
            sport, dport = 40000 + level, 2152
            if reverse:
                a, b, sport, dport = b, a, dport, sport
            payload = _gtp(pkt) if pkt else b""
            tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
            pkt = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, a, b) + tcp
        return b"\x00\x01\x02\x03\x04\x05\x00\x01\x02\x03\x04\x06\x08\x00" + pkt
    packets = [frame(0x02, 1000, 0, False), frame(0x12, 5000, 1001, True),
               frame(0x10, 1001, 5001, False), frame(0x11, 1001, 5001, False),
               frame(0x11, 5001, 1002, True), frame(0x10, 1002, 5002, False)]
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for i, p in enumerate(packets):
        out += struct.pack("<IIII", 1700000000, i, len(p), len(p)) + p
    with open(path, "wb") as f:
        f.write(out)
    os.chmod(path, 0o644)


CRAFTED = [
    # name, writer, extra tshark arguments
    ("seconds-wrap.pcapng",
     lambda p: extreme_pcapng(p, 0, [0, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000]), []),
    ("microseconds-max.pcapng",
     lambda p: extreme_pcapng(p, 6, [0xFFFFFFFFFFFFFFFF, 0, 0x7FFFFFFFFFFFFFFF]), []),
    ("year-2302.pcapng",
     lambda p: extreme_pcapng(p, 6, [10495958400 * 10**6, 10495958400 * 10**6 + 28820]), []),
    ("nested-10-tcp-layers.pcap", lambda p: nested_pcap(p, 10), ["-d", "tcp.port==2152,gtp"]),
]
def crafted(_args):
    sanitizer_environment()
    asan, stock = make_envs()
    work = tempfile.mkdtemp(prefix="tcplife-crafted-")
    os.chmod(work, 0o755)
    failures, runs = [], 0
    try:
        for name, write, extra in CRAFTED:
            path = os.path.join(work, name)
            write(path)
            failures += check_file(asan, stock, path, name, extra)
            runs += len(MODES)
            if name.startswith("nested"):
                out = stock.run(["-r", path] + extra + ["-T", "fields", "-E", "occurrence=a",
                                                        "-e", "tcp.srcport", "-e", "tcplife.phase"]).stdout
                first = out.splitlines()[0].split("\t")
                print("%s: frame 1 has %d TCP layers, %d annotated"
                      % (name, len(first[0].split(",")), len([x for x in first[1].split(",") if x])))
    finally:
        asan.close()
        stock.close()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("crafted captures: %d files, %d sanitized runs and as many stock runs"
          % (len(CRAFTED), runs))
    print("%d passed, %d failed" % (runs - len(failures), len(failures)))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("corrupt")
    c.add_argument("--per-file", action="store_true")
    c.add_argument("--seeds", type=int, default=1)
    c.add_argument("--probs", type=lambda s: [float(x) for x in s.split(",")],
                   default=[0.003, 0.01, 0.03, 0.1])
    c.add_argument("--snaplens", type=lambda s: [int(x) for x in s.split(",")],
                   default=[34, 40, 54, 60, 66])
    c.add_argument("--jobs", type=int, default=1)
    c.add_argument("captures", nargs="+")
    sub.add_parser("crafted")
    args = parser.parse_args()
    return corrupt(args) if args.command == "corrupt" else crafted(args)


if __name__ == "__main__":
    sys.exit(main())
