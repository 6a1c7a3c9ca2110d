#!/usr/bin/python3
"""Userspace wire between two network namespaces, with deterministic impairments.

Creates TUN device NAME_A inside netns A and NAME_B inside netns B, then copies
raw IP packets between them.  Packets written by A's stack to its TUN are handed
to B's stack and vice versa; nothing ever reaches the host's own namespace.

Impairments are chosen by packet kind and count, never by chance, so every
recording of a scenario has the same lifecycle shape:

  drop-syn:N        drop the first N SYNs (no ACK) from A to B ("all": every one)
  drop-synack:N     drop the first N SYN-ACKs from B to A
  drop-fin:N        drop the first N FINs from A to B
  drop-data:K       drop the K-th segment with payload from A to B
  dup-data:K        deliver the K-th segment with payload from A to B twice
  swap-data:K       hold the K-th A-to-B payload segment until the (K+1)-th has
                    been delivered (at most 0.5 s)
  cross-syn         hold the first SYN (either way) until the other side's SYN
                    arrives, then deliver both: the SYNs cross (simultaneous open)
  cross-fin         the same for FINs (simultaneous close)

Injection (packets that neither peer sent, always handed to A's stack only,
never to B and never outside the two namespaces):

  inject-rst-syn:OFF     on the first SYN (no ACK) from A to B, first hand A a
                         RST+ACK forged from B with seq 0 and ack = that SYN's
                         seq + OFF (the right answer to a SYN is OFF = 1),
                         then forward the SYN
  inject-rst-data:K:OFF  after forwarding the K-th B-to-A segment with payload,
                         hand A a RST+ACK forged from B with seq = that
                         segment's seq + its payload length + OFF (modulo
                         2^32; OFF 0 is exactly the next sequence number A
                         expects) and that segment's ack

Usage: tunfwd.py NETNS_A DEV_A NETNS_B DEV_B READY_FILE MAX_SECONDS [RULE,...]
Writes READY_FILE once both devices exist; logs one line per decision to stderr;
exits on SIGTERM/SIGINT or after MAX_SECONDS.
"""
import ctypes
import fcntl
import os
import select
import signal
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


def tcp_info(pkt):
    """(flags, payload_len) of a TCP packet, or None for anything else."""
    if not pkt:
        return None
    ver = pkt[0] >> 4
    if ver == 4:
        if len(pkt) < 20 or pkt[9] != 6:
            return None
        ihl = (pkt[0] & 15) * 4
        total = struct.unpack("!H", pkt[2:4])[0]
        tcp = pkt[ihl:total]
    elif ver == 6:
        if len(pkt) < 40 or pkt[6] != 6:
            return None
        total = 40 + struct.unpack("!H", pkt[4:6])[0]
        tcp = pkt[40:total]
    else:
        return None
    if len(tcp) < 20:
        return None
    off = (tcp[12] >> 4) * 4
    return tcp[13], len(tcp) - off


FIN, SYN, RST, ACK = 0x01, 0x02, 0x04, 0x10


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def tcp_fields(pkt):
    """(src, dst, sport, dport, seq, ack) of an IPv4 TCP packet."""
    ihl = (pkt[0] & 15) * 4
    sport, dport, seq, ack = struct.unpack("!HHII", pkt[ihl:ihl + 12])
    return pkt[12:16], pkt[16:20], sport, dport, seq, ack


def forge_rst(src, dst, sport, dport, seq, ack):
    """An IPv4 RST+ACK segment, window 0, valid checksums."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      5 << 4, RST | ACK, 0, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0x7ab1, 0x4000, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def main():
    ns_a, dev_a, ns_b, dev_b, ready, max_s = sys.argv[1:7]
    rules = {}
    for r in (sys.argv[7] if len(sys.argv) > 7 else "").split(","):
        if r:
            name, _, arg = r.partition(":")
            rules[name] = arg

    home = "/proc/self/ns/net"
    home_fd = os.open(home, os.O_RDONLY)
    setns("/var/run/netns/" + ns_a)
    fa = open_tun(dev_a)
    setns("/var/run/netns/" + ns_b)
    fb = open_tun(dev_b)
    if libc.setns(home_fd, CLONE_NEWNET) != 0:
        raise OSError("setns back home failed")
    os.close(home_fd)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    with open(ready, "w") as f:
        f.write("ready\n")

    deadline = time.monotonic() + float(max_s)
    count = {"syn": 0, "synack": 0, "fin": 0, "data": 0, "bdata": 0}
    held = []  # (release_at, out_fd, pkt, label, kind)
    other = {fa: fb, fb: fa}
    t0 = time.monotonic()

    def log(msg):
        sys.stderr.write("%8.3f %s\n" % (time.monotonic() - t0, msg))
        sys.stderr.flush()

    def send(fd, pkt, why):
        try:
            os.write(fd, pkt)
        except OSError as e:  # the other device is not up yet
            why += " (lost: %s)" % e.strerror
        log(why)

    def release(kind):
        for h in [h for h in held if h[4] == kind]:
            held.remove(h)
            send(h[1], h[2], "release " + h[3])

    while not stop and time.monotonic() < deadline:
        now = time.monotonic()
        for h in [h for h in held if h[0] <= now]:
            held.remove(h)
            send(h[1], h[2], "release (timeout) " + h[3])
        timeout = 0.05
        r, _, _ = select.select([fa, fb], [], [], timeout)
        for fd in r:
            try:
                pkt = os.read(fd, 65536)
            except OSError:
                continue
            a2b = fd == fa
            out = other[fd]
            d = "A>B" if a2b else "B>A"
            info = tcp_info(pkt)
            if info is None:
                send(out, pkt, d + " non-tcp")
                continue
            flags, plen = info
            label = "%s flags=%02x len=%d" % (d, flags, plen)
            is_syn = flags & SYN and not flags & ACK
            is_synack = flags & SYN and flags & ACK
            is_fin = bool(flags & FIN)

            if "cross-syn" in rules and flags & SYN and not flags & ACK:
                pending = [h for h in held if h[4] == "syn"]
                if not pending and rules["cross-syn"] != "done":
                    held.append((now + 1.0, out, pkt, label, "syn"))
                    log("hold " + label)
                    continue
                if pending and pending[0][1] != out:
                    send(out, pkt, "cross " + label)
                    release("syn")
                    rules["cross-syn"] = "done"
                    continue
            if "cross-fin" in rules and is_fin and not flags & RST:
                pending = [h for h in held if h[4] == "fin"]
                if not pending and rules["cross-fin"] != "done":
                    held.append((now + 1.0, out, pkt, label, "fin"))
                    log("hold " + label)
                    continue
                if pending and pending[0][1] != out:
                    send(out, pkt, "cross " + label)
                    release("fin")
                    rules["cross-fin"] = "done"
                    continue

            if a2b and is_syn and pkt[0] >> 4 == 4 and rules.get("inject-rst-syn", "done") != "done":
                src, dst, sport, dport, seq, _ = tcp_fields(pkt)
                off = int(rules["inject-rst-syn"])
                rules["inject-rst-syn"] = "done"
                send(fa, forge_rst(dst, src, dport, sport, 0, seq + off),
                     "INJECT rst-syn B>A seq=0 ack=syn.seq+%d" % off)
            if a2b and is_syn:
                count["syn"] += 1
                n = rules.get("drop-syn")
                if n is not None and (n == "all" or count["syn"] <= int(n)):
                    log("DROP syn#%d %s" % (count["syn"], label))
                    continue
            if not a2b and is_synack:
                count["synack"] += 1
                n = rules.get("drop-synack")
                if n is not None and count["synack"] <= int(n):
                    log("DROP synack#%d %s" % (count["synack"], label))
                    continue
            if a2b and is_fin:
                count["fin"] += 1
                n = rules.get("drop-fin")
                if n is not None and count["fin"] <= int(n):
                    log("DROP fin#%d %s" % (count["fin"], label))
                    continue
            if a2b and plen > 0 and not flags & (SYN | RST):
                count["data"] += 1
                k = count["data"]
                if rules.get("drop-data") and k == int(rules["drop-data"]):
                    log("DROP data#%d %s" % (k, label))
                    continue
                if rules.get("dup-data") and k == int(rules["dup-data"]):
                    send(out, pkt, "data#%d %s" % (k, label))
                    send(out, pkt, "DUP data#%d %s" % (k, label))
                    continue
                if rules.get("swap-data") and k == int(rules["swap-data"]):
                    held.append((now + 0.5, out, pkt, "data#%d %s" % (k, label), "swap"))
                    log("hold data#%d %s" % (k, label))
                    continue
                if rules.get("swap-data") and k == int(rules["swap-data"]) + 1:
                    send(out, pkt, "data#%d %s" % (k, label))
                    release("swap")
                    continue
                send(out, pkt, "data#%d %s" % (k, label))
                continue
            send(out, pkt, label)
            if not a2b and plen > 0 and not flags & (SYN | RST) and pkt[0] >> 4 == 4:
                count["bdata"] += 1
                k, _, off = rules.get("inject-rst-data", "").partition(":")
                if k and count["bdata"] == int(k):
                    src, dst, sport, dport, seq, ack = tcp_fields(pkt)
                    send(fa, forge_rst(src, dst, sport, dport, seq + plen + int(off), ack),
                         "INJECT rst-data after bdata#%s B>A seq=next+%s ack=%d"
                         % (k, off, ack))
    for h in held:
        send(h[1], h[2], "release (exit) " + h[3])
    log("exit")


if __name__ == "__main__":
    main()
