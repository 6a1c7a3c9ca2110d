#!/usr/bin/python3
"""Deterministic benchmark captures for tcplife (stdlib only, no network).

Usage:
  /usr/bin/python3 bench/gen_captures.py OUTDIR [--packets N] [--kinds mix,scan,long,rst]

Writes, for each kind, OUTDIR/<kind>-<N>.v<VERSION>.pcap holding exactly N
packets (Ethernet, IPv4, TCP with correct IP and TCP checksums) and beside it
<name>.json with its packet and stream counts; skips a capture that already
exists (the name carries the generator's version):

  mix   N packets over about N/20 interleaved connections: three-way
        handshakes (some with a retransmitted SYN), request/response data
        both ways (HTTP on port 80 with reassembled bodies, TLS records on
        443), four-way and three-way closes, server-initiated closes,
        refused (SYN, RST-ACK), unanswered SYNs, aborted (RST mid-transfer),
        RSTs after close.  The last connection is cut to make exactly N.
  scan  a SYN scan: N one-packet streams, every one from a distinct
        (source address, source port) to a distinct target port.
  long  one connection of N packets: handshake, then an interactive TLS
        session (small records both ways, pure ACKs), then a four-way close.
  rst   an RST flood: N one-packet streams, each a bare RST (flags RST only,
        no ACK, no SYN before it) from a distinct (source address, source
        port) to a distinct target port, like the SYN scan.

The same arguments always give the same bytes (a seeded PRNG, fixed epoch).
"""

import argparse
import array
import json
import os
import random
import struct
import sys

VERSION = 1                      # bump when the bytes a given N produces change
EPOCH_US = 1700000000 * 1000000  # 2023-11-14 22:13:20 UTC
MSS = 1448                       # payload per full segment (MSS 1460 - 12 B timestamps)
MOD32 = 1 << 32

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

GLOBAL_HEADER = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)
REC = struct.Struct('<IIII')
ETH_C2S = bytes.fromhex('020000000002' '020000000001' '0800')
ETH_S2C = bytes.fromhex('020000000001' '020000000002' '0800')
IP_HDR = struct.Struct('!BBHHHBBH4s4s')
TCP_HDR = struct.Struct('!HHIIBBHHH')

# Linux-like SYN options: MSS 1460, SACK permitted, timestamps, window scale 7.
def syn_options(tsval, tsecr):
    return (struct.pack('!BBH', 2, 4, 1460) + b'\x04\x02' +
            struct.pack('!BBII', 8, 10, tsval, tsecr) + b'\x01' + b'\x03\x03\x07')


def ts_option(tsval, tsecr):
    return b'\x01\x01' + struct.pack('!BBII', 8, 10, tsval, tsecr)


SCAN_SYN_OPTS = struct.pack('!BBH', 2, 4, 1460)  # nmap's SYN: MSS only


def fold(s):
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return s


def csum16(data, init=0):
    """One's-complement sum of data as big-endian 16-bit words (not inverted)."""
    if len(data) & 1:
        data += b'\0'
    a = array.array('H', data)
    if sys.byteorder == 'little':
        s = sum(a)
        s = fold(s)
        s = ((s & 0xff) << 8) | (s >> 8)   # the sum of swapped words is the swapped sum
    else:
        s = fold(sum(a))
    return fold(s + init)


class Writer:
    def __init__(self, path):
        self.f = open(path, 'wb', buffering=1 << 20)
        self.f.write(GLOBAL_HEADER)
        self.count = 0

    def packet(self, t_us, src, dst, sport, dport, seq, ack, flags, payload,
               options=b'', window=502, ip_id=0, c2s=True):
        thl = 20 + len(options)
        tcp = TCP_HDR.pack(sport, dport, seq % MOD32, ack % MOD32 if flags & ACK else 0,
                           (thl // 4) << 4, flags, window, 0, 0) + options
        seg = tcp + payload
        pseudo = csum16(src + dst) + 6 + len(seg)
        tcs = 0xffff - csum16(seg, pseudo)
        seg = seg[:16] + struct.pack('!H', tcs) + seg[18:]
        total = 20 + len(seg)
        ip = IP_HDR.pack(0x45, 0, total, ip_id & 0xffff, 0x4000, 64, 6, 0, src, dst)
        ics = 0xffff - csum16(ip)
        ip = ip[:10] + struct.pack('!H', ics) + ip[12:]
        frame = (ETH_C2S if c2s else ETH_S2C) + ip + seg
        self.f.write(REC.pack(t_us // 1000000, t_us % 1000000, len(frame), len(frame)))
        self.f.write(frame)
        self.count += 1

    def close(self):
        self.f.close()


# ---- payloads ----------------------------------------------------------------

def tls_record(n):
    """n bytes that are one TLS 1.2 application-data record (n >= 6)."""
    return b'\x17\x03\x03' + struct.pack('!H', n - 5) + bytes(n - 5)


def http_request(rng, n):
    line = b'GET /obj/%d HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: bench\r\n' % rng.randrange(1 << 20)
    pad = max(0, n - len(line) - 2)
    return line + b'X-Pad: ' + b'a' * max(0, pad - 9) + b'\r\n\r\n' if pad >= 9 else line + b'\r\n'


def http_response(body_len):
    head = b'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n' % body_len
    return head + bytes(body_len)


# ---- connections (capture "mix") -------------------------------------------

class Conn:
    """One TCP connection's packets as descriptors, seq/ack kept coherent."""

    def __init__(self, rng, cid, t0, caddr, saddr, cport, sport, ts):
        self.rng, self.cid, self.t = rng, cid, t0
        self.addr = (caddr, saddr)
        self.port = (cport, sport)
        self.seq = [rng.randrange(MOD32), rng.randrange(MOD32)]  # next seq per side
        self.ack = [0, 0]          # next ack each side sends
        self.ts = ts               # timestamps negotiated
        self.tsval = [rng.randrange(1 << 30), rng.randrange(1 << 30)]
        self.ipid = [rng.randrange(1 << 16), rng.randrange(1 << 16)]
        self.rtt = rng.randint(2000, 80000)   # microseconds
        self.pkts = []             # (t_us, cid, n, side, flags, seq, ack, payload, options)

    def send(self, side, flags, payload=b'', dt=0, seq=None, syn_opts=False):
        self.t += dt
        s = self.seq[side] if seq is None else seq
        if syn_opts:
            opts = syn_options(self.tsval[side], self.tsval[1 - side] if flags & ACK else 0)
        elif self.ts and not flags & RST:
            opts = ts_option(self.tsval[side], self.tsval[1 - side])
        else:
            opts = b''
        self.tsval[side] += 1
        self.pkts.append((self.t, self.cid, len(self.pkts), side, flags, s,
                          self.ack[side], payload, opts))
        if seq is None:
            adv = len(payload) + (1 if flags & (SYN | FIN) else 0)
            self.seq[side] = s + adv
            self.ack[1 - side] = s + adv
        return s

    def handshake(self, syn_rexmit=False):
        isn = self.send(0, SYN, syn_opts=True)
        if syn_rexmit:
            self.send(0, SYN, dt=1000000, seq=isn, syn_opts=True)
        self.ack[1] = isn + 1
        self.send(1, SYN | ACK, dt=self.rtt // 2, syn_opts=True)
        self.send(0, ACK, dt=self.rtt // 2)

    def exchange(self, http):
        rng = self.rng
        req_len = rng.randint(80, 600)
        r = rng.random()
        if r < 0.70:
            resp_len = rng.randint(150, 1400)
        elif r < 0.95:
            resp_len = rng.randint(1500, 12000)
        else:
            resp_len = rng.randint(12000, 40000)
        req = http_request(rng, req_len) if http else tls_record(req_len)
        self.send(0, PSH | ACK, req, dt=rng.randint(50, 5000))
        if http:
            resp = http_response(resp_len)
            chunks = [resp[i:i + MSS] for i in range(0, len(resp), MSS)]
        else:
            chunks = []
            left = resp_len
            while left > 0:
                n = min(MSS, left) if left - min(MSS, left) >= 6 or left <= MSS else left - 6
                n = max(n, 6)
                chunks.append(tls_record(n))
                left -= n
        for i, c in enumerate(chunks):
            last = i == len(chunks) - 1
            self.send(1, (PSH | ACK) if last else ACK, c,
                      dt=self.rtt // 2 + 200 if i == 0 else rng.randint(10, 300))
            if i % 2 == 1 or last:
                self.send(0, ACK, dt=rng.randint(20, 200))

    def close(self, kind):
        rng = self.rng
        a, b = (1, 0) if kind == 'server4' else (0, 1)
        if kind == 'three':
            self.send(a, FIN | ACK, dt=rng.randint(100, 20000))
            self.send(b, FIN | ACK, dt=self.rtt // 2)
            self.send(a, ACK, dt=self.rtt // 2)
        else:
            self.send(a, FIN | ACK, dt=rng.randint(100, 20000))
            self.send(b, ACK, dt=self.rtt // 2)
            self.send(b, FIN | ACK, dt=rng.randint(50, 2000))
            self.send(a, ACK, dt=self.rtt // 2)


SCENARIOS = [  # (name, weight)
    ('four', 0.44), ('three', 0.20), ('server4', 0.08), ('refused', 0.10),
    ('aborted', 0.07), ('syn_rexmit', 0.04), ('unanswered', 0.03), ('rst_after_close', 0.04),
]


def build_conn(rng, cid, t0):
    caddr = bytes((10, 1 + (cid >> 16) % 250, (cid >> 8) & 0xff, 1 + cid % 250))
    http = rng.random() < 0.3
    sport = 80 if http else 443
    saddr = bytes((192, 0, 2, 1 + rng.randrange(20)))
    cport = 32768 + (cid * 7919) % 28000
    c = Conn(rng, cid, t0, caddr, saddr, cport, sport, ts=rng.random() < 0.8)
    r = rng.random()
    for name, w in SCENARIOS:
        r -= w
        if r < 0:
            break
    rounds = 1 + int(rng.expovariate(1 / 2.0))
    if name == 'refused':
        c.send(0, SYN, syn_opts=True)
        c.ack[1] = c.seq[0]
        c.send(1, RST | ACK, dt=c.rtt)
    elif name == 'unanswered':
        isn = c.send(0, SYN, syn_opts=True)
        c.send(0, SYN, dt=1000000, seq=isn, syn_opts=True)
        c.send(0, SYN, dt=2000000, seq=isn, syn_opts=True)
    elif name == 'aborted':
        c.handshake()
        for _ in range(rounds):
            c.exchange(http)
        c.send(rng.randrange(2), RST | ACK, dt=rng.randint(100, 5000))
    else:
        c.handshake(syn_rexmit=name == 'syn_rexmit')
        for _ in range(rounds):
            c.exchange(http)
        c.close('three' if name == 'three' else 'server4' if name == 'server4' else 'four')
        if name == 'rst_after_close':
            c.send(1, RST, dt=rng.randint(10, 500))
    return c


def write_mix(path, n, seed=1):
    rng = random.Random(seed)
    conns = []
    total = 0
    cid = 0
    spread = max(1, n // 20) * 2000   # ~ one new connection every 2 ms
    while total < n:
        c = build_conn(rng, cid, EPOCH_US + rng.randrange(spread))
        if total + len(c.pkts) > n:
            del c.pkts[n - total:]
        total += len(c.pkts)
        conns.append(c)
        cid += 1
    descs = [p for c in conns for p in c.pkts]
    descs.sort(key=lambda p: (p[0], p[1], p[2]))
    w = Writer(path)
    for t, cid, _, side, flags, seq, ack, payload, opts in descs:
        c = conns[cid]
        c.ipid[side] += 1
        w.packet(t, c.addr[side], c.addr[1 - side], c.port[side], c.port[1 - side],
                 seq, ack, flags, payload, opts, window=0 if flags & RST else 502,
                 ip_id=c.ipid[side], c2s=side == 0)
    w.close()
    return {'packets': w.count, 'streams': len(conns)}


# ---- floods: SYN scan ("scan"), bare RSTs ("rst") -------------------------

def write_flood(path, n, seed, target, net, flags, opts, window):
    """n one-packet streams towards target, each from its own port."""
    rng = random.Random(seed)
    w = Writer(path)
    t = EPOCH_US
    for i in range(n):
        g = i // 50000                     # a new source address every 50000 ports
        src = bytes((198, net + (g >> 16) % 2, (g >> 8) & 0xff, 1 + g % 250))
        sport = 10000 + i % 50000
        dport = 1 + (i * 2654435761) % 65535
        t += rng.randint(5, 20)
        w.packet(t, src, target, sport, dport, rng.randrange(MOD32), 0, flags, b'',
                 opts, window=window, ip_id=rng.randrange(1 << 16))
    w.close()
    return {'packets': w.count, 'streams': n}


def write_scan(path, n, seed=2):
    return write_flood(path, n, seed, bytes((192, 0, 2, 200)), 18, SYN, SCAN_SYN_OPTS, 1024)


def write_rst(path, n, seed=4):
    return write_flood(path, n, seed, bytes((192, 0, 2, 201)), 20, RST, b'', 0)


# ---- one long connection (capture "long") ----------------------------------

def write_long(path, n, seed=3):
    rng = random.Random(seed)
    c = Conn(rng, 0, EPOCH_US, bytes((10, 9, 0, 1)), bytes((192, 0, 2, 9)), 51000, 443, ts=True)
    w = Writer(path)

    def flush():
        for t, _, _, side, flags, seq, ack, payload, opts in c.pkts:
            c.ipid[side] += 1
            w.packet(t, c.addr[side], c.addr[1 - side], c.port[side], c.port[1 - side],
                     seq, ack, flags, payload, opts, ip_id=c.ipid[side], c2s=side == 0)
        c.pkts.clear()

    c.handshake()
    body = n - 3 - 4
    i = 0
    while i < body:
        # keystroke, echo, ack: three packets; a pure ACK now and then.
        kind = i % 3
        if kind == 0:
            c.send(0, PSH | ACK, tls_record(rng.randint(30, 90)), dt=rng.randint(1000, 200000))
        elif kind == 1:
            c.send(1, PSH | ACK, tls_record(rng.randint(30, 120)), dt=c.rtt // 2)
        else:
            c.send(0, ACK, dt=c.rtt // 2)
        i += 1
        if len(c.pkts) >= 10000:
            flush()
    if n >= 7:
        c.close('four')
    del c.pkts[max(0, n - w.count):]
    flush()
    w.close()
    return {'packets': w.count, 'streams': 1}


KINDS = {'mix': write_mix, 'scan': write_scan, 'long': write_long, 'rst': write_rst}


def capture_path(outdir, kind, n):
    return os.path.join(outdir, '%s-%d.v%d.pcap' % (kind, n, VERSION))


def capture_info(path):
    """{'packets': N, 'streams': S} of a capture written by generate()."""
    with open(path + '.json') as f:
        return json.load(f)


def generate(outdir, kind, n, quiet=False):
    """Writes (or reuses) one capture and its PATH.json facts; returns its path."""
    path = capture_path(outdir, kind, n)
    if os.path.exists(path) and os.path.exists(path + '.json'):
        return path
    tmp = '%s.%d.tmp' % (path, os.getpid())    # concurrent generators never share a file
    info = KINDS[kind](tmp, n)
    os.chmod(tmp, 0o644)
    with open(tmp + '.json', 'w') as f:
        json.dump(info, f)
    os.chmod(tmp + '.json', 0o644)
    os.replace(tmp + '.json', path + '.json')
    os.replace(tmp, path)
    if not quiet:
        print('%s: %d packets, %d streams, %d bytes' %
              (path, info['packets'], info['streams'], os.path.getsize(path)), file=sys.stderr)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('outdir')
    ap.add_argument('--packets', type=int, default=1000000)
    ap.add_argument('--kinds', default='mix,scan,long')
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    os.chmod(args.outdir, 0o755)
    for kind in args.kinds.split(','):
        print(generate(args.outdir, kind, args.packets))


if __name__ == '__main__':
    main()
