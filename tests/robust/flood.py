#!/usr/bin/python3
"""Stream floods: memory per stream of tshark with tcplife.

  flood.py [--sizes N,N,...] [--kinds syn,rst] [--max-per-stream BYTES]
           [--max-growth RATIO] [--keep DIR]

For each kind and size N, writes (python stdlib, struct) a pcap of N
packets, each the first of its own stream: `syn`, N SYNs from distinct
source addresses and ports to one server; `rst`, N RSTs likewise.  Reads it
with `tshark -T fields -e tcp.stream` twice, with tcplife and with
`--disable-protocol tcplife` (both dissect TCP and track its streams), and
takes each run's peak RSS (wait4's ru_maxrss, the tshark process itself).
tcplife's share is the difference.  Prints, per kind, the added bytes per
stream at each size, the marginal bytes per stream between sizes, and the
growth of the added memory from one size to the next.

Fails when, at any size, tcplife adds more than --max-per-stream bytes per
stream (default 2048), or when the added memory grows by more than
--max-growth (default 2.3) times the size ratio (linear: memory for 2x the
streams < 2.3x), or when tshark does not report N streams.  Defaults are
the CI sizes 100000,200000; docs/robustness.md has the figures and the 1M
runs.  Environment: TCPLIFE_PLUGIN, TCPLIFE_WS_VERSION (tests/CMakeLists.txt).
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from tshark_env import TsharkEnv  # noqa: E402

SYN, RST, ACK = 0x02, 0x04, 0x10


def write_flood(path, n, flags):
    """n packets, Ethernet/IPv4/TCP, packet i from 10.(i>>16+1).x.y:(1024 + i % 60000) to
    192.0.2.1:80, 1 ms apart.  Every (address, port) pair is distinct."""
    eth = b"\x00\x00\x5e\x00\x53\x01" + b"\x00\x00\x5e\x00\x53\x02" + b"\x08\x00"
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64, 6, 0,
                               b"\x0a\x00\x00\x00", b"\xc0\x00\x02\x01"))
    tcp = bytearray(struct.pack("!HHIIBBHHH", 0, 80, 0, 0, 5 << 4, flags, 64240, 0, 0))
    frame = bytearray(eth + ip + tcp)
    rec = struct.Struct("<IIII")
    ip_src, sport, seq = 14 + 12, 14 + 20, 14 + 24
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    chunk = []
    for i in range(n):
        host = i // 60000
        struct.pack_into("!BBBB", frame, ip_src, 10, 1 + (host >> 16), (host >> 8) & 0xFF, host & 0xFF)
        struct.pack_into("!HHI", frame, sport, 1024 + i % 60000, 80, (i * 7919) & 0xFFFFFFFF)
        t = 1700000000 * 1000 + i    # 1 ms apart
        chunk.append(rec.pack(t // 1000, (t % 1000) * 1000, len(frame), len(frame)))
        chunk.append(bytes(frame))
        if len(chunk) >= 8192:
            out += b"".join(chunk)
            chunk = []
    out += b"".join(chunk)
    with open(path, "wb") as f:
        f.write(out)
    os.chmod(path, 0o644)


def measure(env, capture, extra):
    cmd = env.command(["-r", capture, "-n", "-T", "fields", "-e", "tcp.stream"] + extra)
    start = time.monotonic()
    out_path = os.path.join(env.root, "out.txt")
    with open(out_path, "wb") as out, open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=out, stderr=devnull, cwd=env.root)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError("tshark %s failed (%d)" % (" ".join(extra), proc.returncode))
    count, last = 0, b""
    with open(out_path, "rb") as f:
        for line in f:
            count += 1
            last = line.strip()
    os.unlink(out_path)
    return usage.ru_maxrss * 1024, count, last, elapsed


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100000,200000")
    p.add_argument("--kinds", default="syn,rst")
    p.add_argument("--max-per-stream", type=float, default=2048)
    p.add_argument("--max-growth", type=float, default=2.3)
    p.add_argument("--keep", help="keep the generated captures in this folder")
    args = p.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    kinds = args.kinds.split(",")

    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    work = tempfile.mkdtemp(prefix="tcplife-flood-")
    os.chmod(work, 0o755)
    failures = []
    try:
        for kind in kinds:
            flags = {"syn": SYN, "rst": RST | ACK}[kind]
            added = {}
            for n in sizes:
                path = os.path.join(work, "%s-flood-%d.pcap" % (kind, n))
                t0 = time.monotonic()
                write_flood(path, n, flags)
                gen = time.monotonic() - t0
                with_plugin = measure(env, path, [])
                stock = measure(env, path, ["--disable-protocol", "tcplife"])
                for rss, count, last, _ in (with_plugin, stock):
                    if count != n or last != str(n - 1).encode():
                        failures.append("%s %d: tshark printed %d lines, last stream %r"
                                        % (kind, n, count, last))
                added[n] = with_plugin[0] - stock[0]
                per = added[n] / n
                print("%s flood, %7d streams: peak RSS %7.1f MiB with tcplife (%4.1f s), "
                      "%7.1f MiB without (%4.1f s): +%6.1f MiB, %5.0f bytes/stream "
                      "(capture written in %.1f s)"
                      % (kind.upper(), n, with_plugin[0] / 2**20, with_plugin[3],
                         stock[0] / 2**20, stock[3], added[n] / 2**20, per, gen))
                if per > args.max_per_stream:
                    failures.append("%s %d: %.0f bytes per stream > %.0f"
                                    % (kind, n, per, args.max_per_stream))
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    shutil.copy(path, args.keep)
                os.unlink(path)
            for a, b in zip(sizes, sizes[1:]):
                if added[a] <= 0:
                    failures.append("%s: tcplife added no memory at %d streams" % (kind, a))
                    continue
                growth = added[b] / added[a]
                marginal = (added[b] - added[a]) / (b - a)
                limit = args.max_growth * b / a / 2
                print("%s flood, %d -> %d streams: added memory x%.2f (streams x%.2f), "
                      "marginal %.0f bytes/stream" % (kind.upper(), a, b, growth, b / a, marginal))
                if growth > limit:
                    failures.append("%s: added memory grew x%.2f from %d to %d streams (limit x%.2f)"
                                    % (kind, growth, a, b, limit))
    finally:
        env.close()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    checks = len(kinds) * (2 * len(sizes) - 1)
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
