#!/usr/bin/python3
"""Seed corpus of the core fuzz harness, from the sample captures.

  make_seeds.py OUT_DIR CAPTURE...

Reads each capture's TCP headers with the stock tshark (-T fields) and writes
OUT_DIR/<capture>.bin in the harness's input format (tests/fuzz/fuzz_core.h):
one 25-byte record per TCP header, the first TCP layer of each frame.
tcp.stream picks the slot (stream index modulo 4; a stream that reuses a slot
starts afresh), direction is judged by ports against the stream's first
packet as the plugin does, and seq/ack are written relative to the
direction's next sequence number (so mutations keep most of the conversation
meaningful).  The output is committed (tests/fuzz/corpus/); re-run this only
when sample-captures/ changes:

  tests/fuzz/make_seeds.py tests/fuzz/corpus sample-captures/*.pcap
"""
import os
import struct
import subprocess
import sys

FIELDS = ["tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq_raw",
          "tcp.ack_raw", "tcp.len", "tcp.window_size_value", "frame.time_epoch",
          "tcp.checksum.status", "tcp.options.mss_val", "tcp.options.wscale.shift",
          "tcp.options.sack_perm", "tcp.options.timestamp.tsval", "tcp.options.tfo"]
RECORD = struct.Struct("<BHIIIHHHbBH")
assert RECORD.size == 25
SLOTS = 4
SYN, FIN = 0x002, 0x001


def rows(capture):
    args = ["tshark", "-n", "-r", capture, "-Y", "tcp", "-T", "fields",
            "-E", "occurrence=f", "-E", "separator=/t", "-E", "quote=n",
            "-o", "tcp.check_checksum:TRUE", "--disable-protocol", "tcplife"]
    for f in FIELDS:
        args += ["-e", f]
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True).stdout
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) == len(FIELDS) and all(cols[i] for i in range(8)):
            yield dict(zip(FIELDS, cols))


def num(value, default=0):
    try:
        return int(value, 0)
    except ValueError:
        return default


def convert(capture):
    out = bytearray()
    slot_stream = [None] * SLOTS
    ports = {}          # stream -> (srcport, dstport) of its first packet
    next_seq = {}       # (stream, from_first) -> next sequence number
    last_time = None
    for r in rows(capture):
        stream = num(r["tcp.stream"])
        slot = stream % SLOTS
        sport, dport = num(r["tcp.srcport"]), num(r["tcp.dstport"])
        ctl = slot | 0x20 | 0x40            # seq and ack relative
        if slot_stream[slot] != stream:
            slot_stream[slot] = stream
            ctl |= 0x80                     # a new stream in this slot
            ports[stream] = (sport, dport)
            next_seq[(stream, True)] = next_seq[(stream, False)] = 0
        from_first = (sport, dport) == ports[stream]
        if from_first:
            ctl |= 0x04
        if r["tcp.checksum.status"] == "0":
            ctl |= 0x08
        flags = num(r["tcp.flags"])
        seq, ack, length = num(r["tcp.seq_raw"]), num(r["tcp.ack_raw"]), num(r["tcp.len"])
        seq_rel = (seq - next_seq[(stream, from_first)]) & 0xFFFFFFFF
        ack_rel = (ack - next_seq[(stream, not from_first)]) & 0xFFFFFFFF
        next_seq[(stream, from_first)] = (seq + length + bool(flags & SYN) + bool(flags & FIN)) & 0xFFFFFFFF
        t = float(r["frame.time_epoch"] or 0)
        step = 0 if last_time is None else max(-128, min(127, round((t - last_time) * 1000)))
        last_time = t
        wscale = num(r["tcp.options.wscale.shift"], 31) if r["tcp.options.wscale.shift"] else 31
        opt = (1 if r["tcp.options.sack_perm"] else 0) | (2 if r["tcp.options.timestamp.tsval"] else 0) \
            | (4 if r["tcp.options.tfo"] else 0) | (min(wscale, 31) << 3)
        out += RECORD.pack(ctl, flags & 0xFFFF, seq_rel, ack_rel, length & 0xFFFFFFFF,
                           num(r["tcp.window_size_value"]) & 0xFFFF, sport, dport, step, opt,
                           num(r["tcp.options.mss_val"]) & 0xFFFF)
    return bytes(out)


def main(out_dir, captures):
    os.makedirs(out_dir, exist_ok=True)
    for capture in captures:
        data = convert(capture)
        name = os.path.splitext(os.path.basename(capture))[0] + ".bin"
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        print("%-40s %5d segments" % (name, len(data) // RECORD.size))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
