#!/usr/bin/python3
"""Write tcplife's crafted sample captures.

Usage: /usr/bin/python3 tests/craft/craft_captures.py OUTDIR

Every capture is deterministic: fixed timestamps, MACs, addresses, ports,
sequence numbers and IP ids, no randomness, so re-running the script
reproduces sample-captures/*.pcap byte for byte. Expected results live in
tests/expected/NAME.{packets,streams}.tsv, written by hand from the
lifecycle contract (LIFECYCLE.md), never from the plugin's output.

Each conversation is written like a tcpdump trace, one row per segment:

    (time, dir, flags, seq, ack, length[, window[, options]])

  time    float: seconds after the conversation's t0; str: 'HH:MM:SS.ffffff'
          on 2020-01-01 UTC
  dir     '>' client to server, '<' server to client
  flags   tcpdump notation: S, S., ., P., F., FP., R, R.
  seq     relative to the sender's ISN (as tcpdump prints it)
  ack     relative to the receiver's ISN; None when the ACK flag is clear
  length  payload length (filler 'x' bytes), or the payload bytes themselves
  window  advertised window; default: the host's (502, i.e. 64256 with the
          wscale 7 of LINUX_SYN_OPTS), 0 for RSTs
  options scapy TCP options, in wire order
"""

import os
import struct
import sys

from scapy.all import GRE, ICMP, IP, TCP, Ether, IPv6, Raw

DAY0_US = 1577836800 * 1000000  # 2020-01-01 00:00:00 UTC, in microseconds
MOD32 = 1 << 32

LINUX_SYN_OPTS = [('MSS', 1460), ('NOP', None), ('NOP', None),
                  ('SAckOK', b''), ('NOP', None), ('WScale', 7)]


class Host:
    """One endpoint: addresses, port and the IP header fields it uses."""

    def __init__(self, mac, addr, port, ttl=64, win=502):
        self.mac, self.addr, self.port = mac, addr, port
        self.ttl, self.win = ttl, win
        self.ip_id = 0x1000 + port  # fixed start, one step per packet


def host(n, port, **kw):
    """Host n of the default lab network 10.0.0.0/24."""
    return Host('02:00:00:00:00:%02x' % n, '10.0.0.%d' % n, port, **kw)


def tcp_flags(tcpdump_flags):
    return ''.join('A' if c == '.' else c for c in tcpdump_flags)


def time_us(t, t0_us):
    if isinstance(t, str):
        hh, mm, ss = t.split(':')
        sec, usec = ss.split('.')
        return DAY0_US + ((int(hh) * 60 + int(mm)) * 60 + int(sec)) * 1000000 + int(usec)
    return t0_us + round(t * 1000000)


def ip_layer(src, dst):
    """IPv4 or IPv6 header from src to dst, DF set on IPv4."""
    if ':' in src.addr:
        return IPv6(src=src.addr, dst=dst.addr, hlim=src.ttl)
    src.ip_id += 1
    return IP(src=src.addr, dst=dst.addr, ttl=src.ttl, id=src.ip_id, flags='DF')


def segment(row, client, server, isn_c, isn_s):
    """IP/TCP packet for one trace row."""
    _, d, flags, seq, ack, length = row[:6]
    src, dst, isn_src, isn_dst = ((client, server, isn_c, isn_s) if d == '>'
                                  else (server, client, isn_s, isn_c))
    win = row[6] if len(row) > 6 else (0 if 'R' in flags else src.win)
    opts = row[7] if len(row) > 7 else []
    payload = length if isinstance(length, bytes) else b'x' * length
    tcp = TCP(sport=src.port, dport=dst.port, flags=tcp_flags(flags),
              seq=(isn_src + seq) % MOD32,
              ack=0 if ack is None else (isn_dst + ack) % MOD32,
              window=win, options=opts)
    pkt = ip_layer(src, dst) / tcp
    return pkt / Raw(payload) if payload else pkt


def ether(src, dst, ip_pkt):
    return Ether(src=src.mac, dst=dst.mac) / ip_pkt


def conversation(client, server, isn_c, isn_s, rows, t0=0.0, link=None):
    """Frames (time_us, bytes) of one TCP conversation; link wraps each packet."""
    t0_us = DAY0_US + round(t0 * 1000000)
    frames = []
    for row in rows:
        pkt = segment(row, client, server, isn_c, isn_s)
        src, dst = (client, server) if row[1] == '>' else (server, client)
        wrapped = link(src, dst, pkt) if link else ether(src, dst, pkt)
        frames.append((time_us(row[0], t0_us), bytes(wrapped)))
    return frames


def write_pcap(path, frames, linktype=1):
    """Classic little-endian pcap, microsecond timestamps, frames in time order."""
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for t_us, data in sorted(frames, key=lambda fr: fr[0]):
            f.write(struct.pack('<IIII', t_us // 1000000, t_us % 1000000,
                                len(data), len(data)))
            f.write(data)


# --- the captures -----------------------------------------------------------

def seed_baidu():
    """The seed trace (seed/seed-trace.txt) packet for packet: handshake,
    HTTP GET, two response segments, client-initiated four-way close."""
    client = Host('00:0c:29:3e:5a:01', '192.168.64.128', 60592)
    server = Host('00:50:56:e3:2b:02', '180.101.49.11', 80, ttl=128)
    get = (b'GET / HTTP/1.1\r\nUser-Agent: curl/7.29.0\r\n'
           b'Host: www.baidu.com\r\nAccept: */*\r\n')
    get += b'X-Pad: ' + b'x' * (172 - len(get) - 11) + b'\r\n\r\n'
    assert len(get) == 172
    syn_opts = [('MSS', 1460), ('SAckOK', b''), ('Timestamp', (4294934992, 0)),
                ('NOP', None), ('WScale', 6)]
    return conversation(client, server, 4130871516, 528643112, [
        ('06:59:50.264655', '>', 'S',   0,    None, 0,    14600, syn_opts),
        ('06:59:50.293444', '<', 'S.',  0,    1,    0,    64240, [('MSS', 1460)]),
        ('06:59:50.293475', '>', '.',   1,    1,    0,    14600),
        ('06:59:50.293642', '>', 'P.',  1,    1,    get,  14600),
        ('06:59:50.293838', '<', '.',   1,    173,  0,    64240),
        ('06:59:50.311657', '<', '.',   1,    173,  1460, 64240),
        ('06:59:50.311672', '>', '.',   173,  1461, 0,    17520),
        ('06:59:50.311706', '<', 'P.',  1461, 173,  1321, 64240),
        ('06:59:50.311710', '>', '.',   173,  2782, 0,    20440),
        ('06:59:50.311898', '>', 'F.',  173,  2782, 0,    20440),
        ('06:59:50.312100', '<', '.',   2782, 174,  0,    64239),
        ('06:59:50.330974', '<', 'FP.', 2782, 174,  0,    64239),
        ('06:59:50.330991', '>', '.',   174,  2783, 0,    20440),
    ])


def refused():
    """Two connection attempts, each answered by the server's RST-ACK
    (nothing listens on 8080 nor 8081): two refused streams."""
    client, s1, s2 = host(1, 40000), host(2, 8080), host(2, 8081)
    client2 = host(1, 40001)
    attempt = [
        (0.000000, '>', 'S',  0, None, 0, 64240, LINUX_SYN_OPTS),
        (0.000210, '<', 'R.', 0, 1,    0),
    ]
    return (conversation(client, s1, 1000000, 0, attempt, t0=0.0)
            + conversation(client2, s2, 2000000, 0, attempt, t0=0.5))


def syn_retransmit():
    """The first SYN goes unanswered and is repeated 1 s later with the same
    sequence number; then handshake, one request/response, four-way close."""
    client, server = host(1, 40010), host(2, 80)
    return conversation(client, server, 100000, 700000, [
        (0.000000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (1.001000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (1.021000, '<', 'S.', 0,   1,    0, 65160, LINUX_SYN_OPTS),
        (1.021100, '>', '.',  1,   1,    0),
        (1.021300, '>', 'P.', 1,   1,    100),
        (1.042000, '<', 'P.', 1,   101,  200),
        (1.042100, '>', '.',  101, 201,  0),
        (1.050000, '>', 'F.', 101, 201,  0),
        (1.070000, '<', '.',  201, 102,  0),
        (1.070500, '<', 'F.', 201, 102,  0),
        (1.070600, '>', '.',  102, 202,  0),
    ])


def fin_ack_three_way():
    """Client FIN answered by one server FIN+ACK that also acknowledges it
    (teardown steps 2 and 3 in one packet), then the client's last ACK."""
    client, server = host(1, 40020), host(2, 80)
    return conversation(client, server, 110000, 710000, [
        (0.000000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,   1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,   1,    0),
        (0.020200, '>', 'P.', 1,   1,    50),
        (0.041000, '<', 'P.', 1,   51,   100),
        (0.041100, '>', '.',  51,  101,  0),
        (0.050000, '>', 'F.', 51,  101,  0),
        (0.070000, '<', 'F.', 101, 52,   0),
        (0.070100, '>', '.',  52,  102,  0),
    ])


def simultaneous_close():
    """Both sides send FIN before receiving the other's (each FIN acks only
    the data); then each ACKs the other's FIN, client first."""
    client, server = host(1, 40030), host(2, 80)
    return conversation(client, server, 120000, 720000, [
        (0.000000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,   1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,   1,    0),
        (0.020200, '>', 'P.', 1,   1,    50),
        (0.041000, '<', 'P.', 1,   51,   100),
        (0.041100, '>', '.',  51,  101,  0),
        (0.050000, '>', 'F.', 51,  101,  0),
        (0.050010, '<', 'F.', 101, 51,   0),
        (0.070000, '>', '.',  52,  102,  0),
        (0.070010, '<', '.',  102, 52,   0),
    ])


def half_close():
    """Client sends its request and FIN; the server ACKs the FIN and keeps
    sending its response (still-open direction), then closes its side."""
    client, server = host(1, 40040), host(2, 80)
    return conversation(client, server, 130000, 730000, [
        (0.000000, '>', 'S',  0,    None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,    1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,    1,    0),
        (0.020200, '>', 'P.', 1,    1,    50),
        (0.020300, '>', 'F.', 51,   1,    0),
        (0.041000, '<', '.',  1,    52,   0),
        (0.050000, '<', 'P.', 1,    52,   1000),
        (0.050100, '>', '.',  52,   1001, 0),
        (0.060000, '<', 'P.', 1001, 52,   1000),
        (0.060100, '>', '.',  52,   2001, 0),
        (0.070000, '<', 'F.', 2001, 52,   0),
        (0.070100, '>', '.',  52,   2002, 0),
    ])


def half_closed_at_end():
    """The server sends its reply and closes its side; the client acknowledges
    the FIN and keeps uploading; the capture ends with the connection still
    half-closed (teardown kind half-closed, initiator server)."""
    client, server = host(1, 40050), host(2, 80)
    return conversation(client, server, 150000, 750000, [
        (0.000000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (0.010000, '<', 'S.', 0,   1,    0, 65160, LINUX_SYN_OPTS),
        (0.010100, '>', '.',  1,   1,    0),
        (0.010200, '>', 'P.', 1,   1,    100),
        (0.020000, '<', 'P.', 1,   101,  20),
        (0.020100, '<', 'F.', 21,  101,  0),
        (0.030000, '>', '.',  101, 22,   0),
        (0.031000, '>', 'P.', 101, 22,   500),
        (0.040000, '<', '.',  22,  601,  0),
    ])


def midstream():
    """Capture starts mid-connection with the server (port 443) sending
    data to the client (port 51000): no SYN, so roles come from the lower
    port, not from the first sender; then a client-initiated close."""
    client, server = host(1, 51000), host(2, 443)
    return conversation(client, server, 3000000, 5000000, [
        (0.000000, '<', 'P.', 1,   1,   500),
        (0.000100, '>', '.',  1,   501, 0),
        (0.010000, '>', 'P.', 1,   501, 100),
        (0.030000, '<', 'P.', 501, 101, 300),
        (0.030100, '>', '.',  101, 801, 0),
        (0.040000, '>', 'F.', 101, 801, 0),
        (0.060000, '<', '.',  801, 102, 0),
        (0.060100, '<', 'F.', 801, 102, 0),
        (0.060200, '>', '.',  102, 802, 0),
    ])


def icmp_error():
    """A SYN to 10.0.0.3 draws an ICMP host-unreachable from the router,
    quoting the SYN's IP and TCP headers (not annotated); the client
    retransmits the SYN 1 s later and gets no answer."""
    client, server = host(1, 42000), host(3, 22)
    router = host(254, 0)
    rows = [
        (0.000000, '>', 'S', 0, None, 0, 64240, LINUX_SYN_OPTS),
        (1.003000, '>', 'S', 0, None, 0, 64240, LINUX_SYN_OPTS),
    ]
    frames = conversation(client, server, 140000, 0, rows)
    quoted = frames[0][1][14:]  # the first SYN's IP packet, Ethernet stripped
    error = (IP(src=router.addr, dst=client.addr, ttl=255, id=0x2001)
             / ICMP(type=3, code=1) / Raw(quoted))
    frames.append((DAY0_US + 3000, bytes(ether(router, client, error))))
    return frames


def simultaneous_open():
    """Peers 10.0.0.1:5000 and 10.0.0.2:5001 both send SYN before seeing
    the other's, both answer with SYN-ACK, both ACK; data; four-way close."""
    a, b = host(1, 5000), host(2, 5001)
    return conversation(a, b, 150000, 750000, [
        (0.000000, '>', 'S',  0,  None, 0, 64240, LINUX_SYN_OPTS),
        (0.000050, '<', 'S',  0,  None, 0, 65160, LINUX_SYN_OPTS),
        (0.020000, '>', 'S.', 0,  1,    0, 64240, LINUX_SYN_OPTS),
        (0.020050, '<', 'S.', 0,  1,    0, 65160, LINUX_SYN_OPTS),
        (0.040000, '>', '.',  1,  1,    0),
        (0.040050, '<', '.',  1,  1,    0),
        (0.050000, '>', 'P.', 1,  1,    20),
        (0.070000, '<', 'P.', 1,  21,   30),
        (0.070100, '>', '.',  21, 31,   0),
        (0.080000, '>', 'F.', 21, 31,   0),
        (0.100000, '<', '.',  31, 22,   0),
        (0.100100, '<', 'F.', 31, 22,   0),
        (0.100200, '>', '.',  22, 32,   0),
    ])


def reset_after_close():
    """Stream 0: complete four-way close, then two late RSTs from the client.
    Stream 1: client FIN answered by the server's RST instead of a FIN."""
    client0, client1, server = host(1, 40050), host(1, 40051), host(2, 80)
    closed_then_rst = [
        (0.000000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,   1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,   1,    0),
        (0.020200, '>', 'P.', 1,   1,    50),
        (0.041000, '<', 'P.', 1,   51,   100),
        (0.041100, '>', '.',  51,  101,  0),
        (0.050000, '>', 'F.', 51,  101,  0),
        (0.070000, '<', '.',  101, 52,   0),
        (0.070500, '<', 'F.', 101, 52,   0),
        (0.070600, '>', '.',  52,  102,  0),
        (0.500000, '>', 'R',  52,  None, 0),
        (0.600000, '>', 'R',  52,  None, 0),
    ]
    fin_then_rst = [
        (0.000000, '>', 'S',  0,  None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,  1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,  1,    0),
        (0.020200, '>', 'P.', 1,  1,    50),
        (0.041000, '<', '.',  1,  51,   0),
        (0.050000, '>', 'F.', 51, 1,    0),
        (0.070000, '<', 'R.', 1,  52,   0),
    ]
    return (conversation(client0, server, 160000, 760000, closed_then_rst, t0=0.0)
            + conversation(client1, server, 170000, 770000, fin_then_rst, t0=1.0))


def abort():
    """Stream 0: established connection with data, aborted by the client's
    RST. Stream 1: SYN-scan pattern, SYN / SYN-ACK / client RST."""
    client0, client1 = host(1, 40060), host(1, 40061)
    web, ssh = host(2, 80), host(2, 22)
    aborted = [
        (0.000000, '>', 'S',  0,  None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,  1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,  1,    0),
        (0.020200, '>', 'P.', 1,  1,    50),
        (0.041000, '<', 'P.', 1,  51,   200),
        (0.041100, '>', '.',  51, 201,  0),
        (0.060000, '>', 'R.', 51, 201,  0),
    ]
    scanned = [
        (0.000000, '>', 'S',  0, None, 0, 1024, [('MSS', 1460)]),
        (0.000300, '<', 'S.', 0, 1,    0, 65160, LINUX_SYN_OPTS),
        (0.000350, '>', 'R',  1, None, 0),
    ]
    return (conversation(client0, web, 180000, 780000, aborted, t0=0.0)
            + conversation(client1, ssh, 190000, 790000, scanned, t0=1.0))


def fin_retransmit():
    """The client's FIN is repeated before the server's ACK arrives; the
    close completes, the server's FIN is then repeated anyway (the client's
    last ACK was lost) and the client ACKs it again after the close."""
    client, server = host(1, 40070), host(2, 80)
    return conversation(client, server, 200000, 800000, [
        (0.000000, '>', 'S',  0,   None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,   1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,   1,    0),
        (0.020200, '>', 'P.', 1,   1,    50),
        (0.041000, '<', 'P.', 1,   51,   100),
        (0.041100, '>', '.',  51,  101,  0),
        (0.050000, '>', 'F.', 51,  101,  0),
        (0.260000, '>', 'F.', 51,  101,  0),
        (0.280000, '<', '.',  101, 52,   0),
        (0.280500, '<', 'F.', 101, 52,   0),
        (0.280600, '>', '.',  52,  102,  0),
        (0.500000, '<', 'F.', 101, 52,   0),
        (0.500100, '>', '.',  52,  102,  0),
    ])


def seq_wrap():
    """Sequence numbers near 2^32: the server's data wraps past 2^32 during
    the transfer and its FIN sits at 501, just after the wrap; the client's
    FIN is at 4294967295, so the server's ACK of it carries ack 0."""
    client, server = host(1, 40080), host(2, 80)
    isn_c = MOD32 - 102   # client data 1:101, FIN at 101 = 4294967295
    isn_s = MOD32 - 1500  # server data 1:2001 wraps at relative 1500
    return conversation(client, server, isn_c, isn_s, [
        (0.000000, '>', 'S',  0,    None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,    1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,    1,    0),
        (0.020200, '>', 'P.', 1,    1,    100),
        (0.041000, '<', '.',  1,    101,  1000),
        (0.041010, '<', 'P.', 1001, 101,  1000),
        (0.041100, '>', '.',  101,  2001, 0),
        (0.050000, '>', 'F.', 101,  2001, 0),
        (0.070000, '<', '.',  2001, 102,  0),
        (0.070500, '<', 'F.', 2001, 102,  0),
        (0.070600, '>', '.',  102,  2002, 0),
    ])


def gre_tunnel():
    """A short TCP connection 10.1.0.1:45000 -> 10.2.0.1:80 carried in GRE
    between routers 192.0.2.1 and 192.0.2.2 (IPv4/GRE/IPv4/TCP): the
    inner TCP layer is the only one, annotated as stream 0."""
    client = Host('02:00:00:00:01:01', '10.1.0.1', 45000)
    server = Host('02:00:00:00:01:02', '10.2.0.1', 80)
    r1 = Host('02:00:00:00:02:01', '192.0.2.1', 0)
    r2 = Host('02:00:00:00:02:02', '192.0.2.2', 0)

    def in_gre(src, dst, inner):
        outer_src, outer_dst = (r1, r2) if src is client else (r2, r1)
        return (ether(outer_src, outer_dst, ip_layer(outer_src, outer_dst))
                / GRE(proto=0x0800) / inner)

    return conversation(client, server, 210000, 810000, [
        (0.000000, '>', 'S',  0,  None, 0, 64240, LINUX_SYN_OPTS),
        (0.020000, '<', 'S.', 0,  1,    0, 65160, LINUX_SYN_OPTS),
        (0.020100, '>', '.',  1,  1,    0),
        (0.020200, '>', 'P.', 1,  1,    40),
        (0.041000, '<', 'P.', 1,  41,   60),
        (0.050000, '>', 'F.', 41, 61,   0),
        (0.070000, '<', '.',  61, 42,   0),
        (0.070500, '<', 'F.', 61, 42,   0),
        (0.070600, '>', '.',  42, 62,   0),
    ], link=in_gre)


def ipv6():
    """A short complete IPv6 connection [2001:db8::1]:50000 ->
    [2001:db8::2]:22 whose close the server starts."""
    client = Host('02:00:00:00:06:01', '2001:db8::1', 50000)
    server = Host('02:00:00:00:06:02', '2001:db8::2', 22)
    syn_opts = [('MSS', 1440)] + LINUX_SYN_OPTS[1:]
    return conversation(client, server, 220000, 820000, [
        (0.000000, '>', 'S',  0,  None, 0, 64800, syn_opts),
        (0.020000, '<', 'S.', 0,  1,    0, 64800, syn_opts),
        (0.020100, '>', '.',  1,  1,    0),
        (0.020200, '>', 'P.', 1,  1,    30),
        (0.041000, '<', 'P.', 1,  31,   40),
        (0.041100, '>', '.',  31, 41,   0),
        (0.050000, '<', 'F.', 41, 31,   0),
        (0.070000, '>', '.',  31, 42,   0),
        (0.070500, '>', 'F.', 31, 42,   0),
        (0.090000, '<', '.',  42, 32,   0),
    ])


CAPTURES = {
    'half-closed-at-end': half_closed_at_end,
    'seed-baidu': seed_baidu,
    'refused': refused,
    'syn-retransmit': syn_retransmit,
    'fin-ack-three-way': fin_ack_three_way,
    'simultaneous-close': simultaneous_close,
    'half-close': half_close,
    'midstream': midstream,
    'icmp-error': icmp_error,
    'simultaneous-open': simultaneous_open,
    'reset-after-close': reset_after_close,
    'abort': abort,
    'fin-retransmit': fin_retransmit,
    'seq-wrap': seq_wrap,
    'gre-tunnel': gre_tunnel,
    'ipv6': ipv6,
}


def main(argv):
    if len(argv) != 2:
        sys.exit('usage: craft_captures.py OUTDIR')
    os.makedirs(argv[1], exist_ok=True)
    for name, build in CAPTURES.items():
        write_pcap(os.path.join(argv[1], name + '.pcap'), build())


if __name__ == '__main__':
    main(sys.argv)
