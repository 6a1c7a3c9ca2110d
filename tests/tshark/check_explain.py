#!/usr/bin/python3
"""Check tcplife.explain and tcplife.stream.story against tshark's own fields.

  check_explain.py numbers CAPTURE...
      Every number in every English tcplife.explain sentence, over every
      packet of every CAPTURE, is parsed back out and compared with the
      packet's own TCP fields as Wireshark's TCP dissector reports them
      (tcp.seq, tcp.ack, tcp.len, tcp.seq_raw, tcp.ack_raw, the window,
      frame numbers and times), never with tcplife's.  A number no rule
      accounts for fails too: a new sentence needs a rule here.
  check_explain.py passes CAPTURE...
      tcplife.explain is identical in one pass and with -2 (and the story
      with -2 is the stream's final one: one value per stream).
  check_explain.py language CAPTURE...
      tcplife.language:zh changes tcplife.explain and tcplife.stream.story
      (into Chinese) and no other tcplife field, in one pass and with -2.

TCPLIFE_PLUGIN and TCPLIFE_WS_VERSION come from ctest.  Exit 0 only when
every check passed.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402

FIELDS = ["frame.number", "frame.time_epoch", "tcp.stream", "tcp.srcport", "tcp.flags",
          "tcp.seq", "tcp.seq_raw", "tcp.ack", "tcp.ack_raw", "tcp.len", "tcp.nxtseq",
          "tcp.window_size_value", "tcp.options.mss_val", "tcp.options.wscale.shift",
          "tcplife.phase", "tcplife.explain"]
SYN, FIN, RST, ACK = 0x02, 0x01, 0x04, 0x10


def packets(env, capture, extra=()):
    args = list(extra) + ["-T", "fields", "-E", "occurrence=f", "-E", "separator=\x1f"]
    for f in FIELDS:
        args += ["-e", f]
    out = env.read(capture, args).stdout
    rows = []
    for line in out.splitlines():
        cols = dict(zip(FIELDS, line.split("\x1f")))
        if cols.get("tcp.stream"):
            rows.append(cols)
    return rows


def num(p, field):
    v = p.get(field, "")
    return int(v, 0) if v else None


class Checker:
    """Consumes the numbers of one sentence, rule by rule."""

    def __init__(self, p, by_frame, capture):
        self.p, self.by_frame, self.capture = p, by_frame, capture
        self.text = p["tcplife.explain"]
        self.errors = []

    def fail(self, what):
        self.errors.append("%s frame %s: %s\n    in: %s" % (os.path.basename(self.capture),
                           self.p["frame.number"], what, self.text))

    def eat(self, pattern, check):
        """Each match of pattern is checked, then removed from the text."""
        def one(m):
            check(m)
            return " "
        self.text = re.sub(pattern, one, self.text)

    def expect(self, got, want, what):
        if got != want:
            self.fail("%s is %s, tshark says %s" % (what, got, want))

    def same_stream_frame(self, n, want_flags=None, other_side=True):
        q = self.by_frame.get(n)
        if q is None or q["tcp.stream"] != self.p["tcp.stream"]:
            self.fail("frame %d is not in this stream" % n)
            return None
        if int(n) >= int(self.p["frame.number"]):
            self.fail("frame %d does not come before this one" % n)
        if other_side and q["tcp.srcport"] == self.p["tcp.srcport"]:
            self.fail("frame %d was sent by the same side" % n)
        if want_flags and not (num(q, "tcp.flags") & want_flags):
            self.fail("frame %d lacks flag 0x%x" % (n, want_flags))
        return q

    def time_since(self, n):
        q = self.by_frame[n]
        return (float(self.p["frame.time_epoch"]) - float(q["frame.time_epoch"])) * 1000.0


def check_handshake_numbers(c):
    p = c.p
    c.eat(r"the (\d+) bytes of data it carried \(ack (\d+) = ISN (\d+) \+ 1 \+ (\d+)\)",
          lambda m: (c.expect(int(m.group(2)), num(p, "tcp.ack_raw"), "ack"),
                     c.expect(m.group(1), m.group(4), "data length"),
                     c.expect(int(m.group(3)) + 1 + int(m.group(4)), int(m.group(2)),
                              "ISN + 1 + n")))
    c.eat(r"ack (\d+) = ISN (\d+) \+ 1 \+ (\d+)",
          lambda m: (c.expect(int(m.group(1)), num(p, "tcp.ack_raw"), "ack"),
                     c.expect(int(m.group(2)) + 1 + int(m.group(3)), int(m.group(1)), "ISN + 1 + n")))
    c.eat(r"ack (\d+) = ISN (\d+) \+ 1",
          lambda m: (c.expect(int(m.group(1)), num(p, "tcp.ack_raw"), "ack"),
                     c.expect(int(m.group(2)) + 1, int(m.group(1)), "ISN + 1")))
    c.eat(r"\(ISN\) (\d+)|own ISN (\d+)|\(ISN (\d+)|SYN, ISN (\d+)",
          lambda m: c.expect(int(next(g for g in m.groups() if g)), num(p, "tcp.seq_raw"), "ISN"))
    c.eat(r"RTT (\d+\.\d{3}) ms", lambda m: check_rtt(c, float(m.group(1))))
    c.eat(r"MSS (\d+)", lambda m: c.expect(int(m.group(1)), num(p, "tcp.options.mss_val"), "MSS"))
    c.eat(r"window scale (\d+)",
          lambda m: c.expect(int(m.group(1)), num(p, "tcp.options.wscale.shift"), "window scale"))
    c.eat(r"ack (\d+)\)", lambda m: c.expect(int(m.group(1)), num(p, "tcp.ack_raw"), "raw ack"))


def check_rtt(c, ms):
    """The RTT runs from a SYN of this stream (sent by the other side) to this packet."""
    syns = [q for q in c.by_frame.values() if q["tcp.stream"] == c.p["tcp.stream"]
            and num(q, "tcp.flags") & (SYN | ACK) == SYN
            and int(q["frame.number"]) < int(c.p["frame.number"])]
    if not any(abs(c.time_since(q["frame.number"]) - ms) < 0.0006 for q in syns):
        c.fail("RTT %.3f ms is not the time since any earlier SYN" % ms)


def check_data_numbers(c):
    p = c.p
    first = num(p, "tcp.seq") + (1 if num(p, "tcp.flags") & SYN else 0)
    c.eat(r"bytes (\d+)–(\d+)",
          lambda m: (c.expect(int(m.group(1)), first, "first byte"),
                     c.expect(int(m.group(2)), first + num(p, "tcp.len") - 1, "last byte")))
    c.eat(r"(\d+) (?:more )?bytes", lambda m: c.expect(int(m.group(1)), num(p, "tcp.len"), "length"))
    c.eat(r"up to (\d+) \(ack (\d+)\)",
          lambda m: (c.expect(int(m.group(2)), num(p, "tcp.ack"), "ack"),
                     c.expect(int(m.group(1)) + 1, int(m.group(2)), "last byte + 1")))
    c.eat(r"frames? (\d+)(?: to (\d+))?\.",
          lambda m: check_acked_frames(c, int(m.group(1)), int(m.group(2) or m.group(1))))
    c.eat(r"frame (\d+)", lambda m: check_acked_frames(c, int(m.group(1)), int(m.group(1))))


def check_acked_frames(c, first, last):
    """The frames whose data an ACK covers: the peer's, with payload, and the
    last one's next sequence number is this packet's ack."""
    for n in {first, last}:
        q = c.same_stream_frame(str(n))
        if q and not num(q, "tcp.len"):
            c.fail("frame %d carries no payload" % n)
    q = c.by_frame.get(str(last))
    if q and num(q, "tcp.nxtseq") != num(c.p, "tcp.ack") and \
            num(q, "tcp.nxtseq") + 1 != num(c.p, "tcp.ack"):   # the FIN after it may be acked too
        c.fail("frame %d ends at %s, not at ack %s" % (last, q["tcp.nxtseq"], c.p["tcp.ack"]))


def check_other_numbers(c):
    p = c.p
    c.eat(r"took (\d+\.\d{3}) ms", lambda m: check_teardown_time(c, float(m.group(1))))
    c.eat(r"seq (\d+)", lambda m: c.expect(int(m.group(1)), num(p, "tcp.seq"), "seq"))
    c.eat(r"ack (\d+)", lambda m: c.expect(int(m.group(1)), num(p, "tcp.ack"), "ack"))
    c.eat(r"byte (\d+)", lambda m: c.expect(int(m.group(1)), num(p, "tcp.ack"), "awaited byte"))
    c.eat(r"window to (\d+)",
          lambda m: c.expect(int(m.group(1)), num(p, "tcp.window_size_value"), "window"))
    c.eat(r"before (\d+) are missing", lambda m: c.expect(int(m.group(1)), num(p, "tcp.seq"), "gap"))
    c.eat(r"window is 0", lambda m: c.expect(num(p, "tcp.window_size_value"), 0, "window"))
    c.eat(r"RFC 5961|steps 2 and 3", lambda m: None)


def check_teardown_time(c, ms):
    """From the stream's first FIN to this packet."""
    fins = [q for q in c.by_frame.values() if q["tcp.stream"] == c.p["tcp.stream"]
            and num(q, "tcp.flags") & FIN]
    first = min(fins, key=lambda q: int(q["frame.number"])) if fins else None
    if first is None or abs(c.time_since(first["frame.number"]) - ms) > 0.0006:
        c.fail("teardown time %.3f ms is not the time since the first FIN" % ms)


def check_numbers(env, captures):
    errors, sentences = [], 0
    for capture in captures:
        rows = packets(env, capture)
        by_frame = {p["frame.number"]: p for p in rows}
        for p in rows:
            if not p["tcplife.explain"]:
                continue
            sentences += 1
            c = Checker(p, by_frame, capture)
            if p["tcplife.phase"] in ("1", "handshake"):   # raw numbers
                check_handshake_numbers(c)
            c.eat(r"FIN of frame (\d+) \(ack (\d+)",
                  lambda m: (c.same_stream_frame(m.group(1), FIN),
                             c.expect(int(m.group(2)), num(p, "tcp.ack"), "ack")))
            check_data_numbers(c)
            check_other_numbers(c)
            left = re.findall(r"\d+", c.text)
            if left:
                c.fail("numbers no rule checks: %s (left: %r)" % (left, c.text.strip()))
            errors += c.errors
    print("%d explanations checked in %d captures" % (sentences, len(captures)))
    if sentences == 0:
        errors.append("no tcplife.explain at all: the field is missing")
    return errors


def field_rows(env, capture, fields, two_pass=False, extra=()):
    args = list(extra) + ["-T", "fields", "-E", "separator=\x1f"]
    for f in fields:
        args += ["-e", f]
    return env.read(capture, args, two_pass=two_pass).stdout.splitlines()


def check_passes(env, captures):
    errors = []
    for capture in captures:
        one = field_rows(env, capture, ["frame.number", "tcplife.explain"])
        two = field_rows(env, capture, ["frame.number", "tcplife.explain"], two_pass=True)
        if one != two:
            diff = [(a, b) for a, b in zip(one, two) if a != b][:3]
            errors.append("%s: one pass and -2 differ: %r" % (os.path.basename(capture), diff))
        stories = field_rows(env, capture, ["tcp.stream", "tcplife.stream.story"], two_pass=True)
        per_stream = {}
        for line in stories:
            stream, _, story = line.partition("\x1f")
            # an ICMP error quotes a TCP header tcplife does not annotate: no story
            if stream and story and per_stream.setdefault(stream, story) != story:
                errors.append("%s: stream %s has two stories with -2" % (capture, stream))
    return errors


def tcplife_fields(env):
    out = env.run(["-G", "fields"]).stdout
    return sorted(line.split("\t")[2] for line in out.splitlines()
                  if line.startswith("F\t") and line.split("\t")[2].startswith("tcplife."))


CJK = re.compile("[\u4e00-\u9fff]")


def check_language(env, captures):
    errors = []
    fields = tcplife_fields(env)
    # tcplife.stream, the summary's heading, holds the story too
    worded = ["tcplife.explain", "tcplife.stream.story", "tcplife.stream"]
    others = [f for f in fields if f not in worded]
    if len(others) < 20 or any(w not in fields for w in worded):
        return ["tshark -G fields lists too few tcplife fields: %r" % fields]
    zh = ["-o", "tcplife.language:zh"]
    for capture in captures:
        for two in (False, True):
            label = "%s%s" % (os.path.basename(capture), " -2" if two else "")
            if field_rows(env, capture, others, two) != field_rows(env, capture, others, two, zh):
                errors.append("%s: tcplife.language changes fields other than the words" % label)
            en = field_rows(env, capture, worded, two)
            cn = field_rows(env, capture, worded, two, zh)
            if any(CJK.search(line) for line in en) or \
                    not all(CJK.search(line) for line in cn if line.strip("\x1f")):
                errors.append("%s: English has Chinese, or Chinese lines without it" % label)
    return errors


def main(argv):
    mode, captures = argv[1], argv[2:]
    with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
        errors = {"numbers": check_numbers, "passes": check_passes,
                  "language": check_language}[mode](env, captures)
    for e in errors:
        print("FAIL " + e)
    print("%s: %s" % (mode, "FAILED" if errors else "ok"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
