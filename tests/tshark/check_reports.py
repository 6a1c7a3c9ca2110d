#!/usr/bin/python3
"""Check tcplife's tshark reports (-z tcplife,...) through the real tshark.

  check_reports.py golden CAPTURES_DIR EXPECTED.txt...
      Each EXPECTED file (tests/expected/*.ladder.txt, *.streams-report.txt)
      names its run in directive lines:
          #! capture NAME.pcap        a file in CAPTURES_DIR
          #! z tcplife,ladder,0,all   the -z argument (the rest of the line)
          #! passes 1 2               1: one pass, 2: tshark -2; each must print the text
          #! options -o tcplife.language:zh   more tshark arguments (optional)
          #! comment ##               comment lines start with "##", not "#" (for
                                      output whose own lines start with "#": a conn.log)
      Every other line starting with the comment prefix ('#', or the one a
      '#! comment' line above it set) is a comment and is dropped; the rest is
      what tshark -q prints, exactly (blank lines at either end ignored).
  check_reports.py bad-arg CAPTURE Z...
      tshark must fail (exit status != 0) and say why on stderr, for each Z.
  check_reports.py table CAPTURE STREAM CELL...
      -z tcplife,table (the GUI's table in tshark's generic layout, which
      differs between versions): a row whose '|'-separated cells are exactly
      STREAM, CELL... (stripped) must be printed, in one pass and with -2.
  check_reports.py empty
      Two captures written here, one without packets and one with a UDP
      packet only: -z tcplife,streams, -z tcplife,ladder and -z tcplife,table
      each print the line "no TCP streams" and no table rows.
  check_reports.py single
      A capture written here with one packet, a SYN never answered: the
      ladder says "1 packet" (not "1 packets") and, since the server sent
      nothing, does not call the server's numbers raw.
  check_reports.py note CAPTURE
      -z tcplife,streams,FILTER: a FILTER on tcplife.stream.* prints a note
      naming -2 on stderr in one pass, none with -2; a FILTER on other
      fields prints none in either.

The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check passed.
"""

import difflib
import os
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402


def trim(lines):
    """Lines without blank lines at either end."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def read_golden(path):
    """(directives, expected lines) of a golden file."""
    directives, lines = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#!"):
                key, _, value = line[2:].strip().partition(" ")
                directives[key] = value
            elif not line.startswith(directives.get("comment", "#")):
                lines.append(line)
    for key in ("capture", "z", "passes"):
        if key not in directives:
            raise SystemExit("%s: no '#! %s' line" % (path, key))
    return directives, trim(lines)


def report(env, capture, z, two_pass, options=()):
    proc = env.read(capture, list(options) + ["-q", "-z", z], two_pass=two_pass, check=False)
    if proc.returncode != 0:
        return None, "tshark exited with %d: %s" % (proc.returncode, proc.stderr.strip())
    return trim(proc.stdout.splitlines()), None


def check_golden(env, captures, path):
    directives, want = read_golden(path)
    capture = os.path.join(captures, directives["capture"])
    failures = []
    for p in directives["passes"].split():
        label = "%s (%s)" % (os.path.basename(path), "-2" if p == "2" else "one pass")
        got, error = report(env, capture, directives["z"], two_pass=(p == "2"),
                            options=directives.get("options", "").split())
        if error:
            failures.append("%s: %s" % (label, error))
        elif got != want:
            diff = difflib.unified_diff(want, got, "expected", "tshark", lineterm="")
            failures.append("%s differs:\n%s" % (label, "\n".join(diff)))
    return failures


def check_bad_args(env, capture, zs):
    failures = []
    for z in zs:
        proc = env.read(capture, ["-q", "-z", z], check=False)
        if proc.returncode == 0 or "tcplife" not in proc.stderr:
            failures.append("-z %s: expected a failure naming tcplife, got exit %d, stderr %r"
                            % (z, proc.returncode, proc.stderr.strip()))
    return failures


def check_table(env, capture, cells):
    failures = []
    for two_pass in (False, True):
        got, error = report(env, capture, "tcplife,table", two_pass)
        # A row ends with " |": its last split part is empty.
        rows = [[c.strip() for c in line.split("|")][:-1] for line in (got or [])]
        if error or not any(row == cells for row in rows):
            failures.append("-z tcplife,table%s: no row starting %s in:\n%s"
                            % (" -2" if two_pass else "", " | ".join(cells),
                               error or "\n".join(got)))
    return failures


def write_pcap(path, frames):
    """A little-endian pcap, Ethernet link type, one record per frame."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
            f.write(frame)


def ipv4_frame(proto, l4):
    """Ethernet + IPv4 10.0.0.1 -> 10.0.0.2 (checksum 0: not checked) + l4."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    eth = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + l4


def syn_frame():
    """TCP SYN 10.0.0.1:40000 -> 10.0.0.2:80, seq 1000, no options."""
    return ipv4_frame(6, struct.pack("!HHIIBBHHH", 40000, 80, 1000, 0, 5 << 4, 0x02,
                                     64240, 0, 0))


def udp_frame():
    """Ethernet + IPv4 (checksum 0: not checked) + UDP 10.0.0.1:5000 -> 10.0.0.2:53, 4 bytes."""
    payload = b"abcd"
    return ipv4_frame(17, struct.pack("!HHHH", 5000, 53, 8 + len(payload), 0) + payload)


def check_single(env):
    # The contract: a lone SYN is handshake step 1, the stream's conn_state S0
    # and history "S" (Zeek's); the client's first packet is its SYN, so its
    # numbers are relative; the server sent nothing.
    want = ["Stream 0: client 10.0.0.1:40000, server 10.0.0.2:80",
            "conn_state S0, history S, 1 packet",
            "seq/ack relative to the client's ISN; the server sent nothing"]
    with tempfile.TemporaryDirectory() as tmp:
        capture = os.path.join(tmp, "one-syn.pcap")
        write_pcap(capture, [syn_frame()])
        got, error = report(env, capture, "tcplife,ladder", two_pass=False)
    if error or any(line not in got for line in want):
        return ["-z tcplife,ladder on one SYN: want the lines %s, got:\n%s"
                % (want, error or "\n".join(got))]
    return []


def check_empty(env):
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        captures = {"no packets": os.path.join(tmp, "empty.pcap"),
                    "UDP only": os.path.join(tmp, "udp-only.pcap")}
        write_pcap(captures["no packets"], [])
        write_pcap(captures["UDP only"], [udp_frame()])
        for what, capture in captures.items():
            for z, row_marker in (("tcplife,streams", "stream  client"),
                                  ("tcplife,ladder", "frame "),
                                  ("tcplife,table", "|10.")):
                got, error = report(env, capture, z, two_pass=False)
                if error or "no TCP streams" not in got or any(row_marker in l for l in got):
                    failures.append("-z %s on a capture with %s: want a line 'no TCP streams' "
                                    "and no rows, got:\n%s" % (z, what, error or "\n".join(got)))
    return failures


def check_note(env, capture):
    failures = []
    cases = (('tcplife.stream.conn_state == "SF"', False, True),
             ('tcplife.stream.conn_state == "SF"', True, False),
             ("tcp.port == 80", False, False))
    for flt, two_pass, want in cases:
        proc = env.read(capture, ["-q", "-z", "tcplife,streams," + flt], two_pass=two_pass,
                        check=False)
        noted = "tshark -2" in proc.stderr and "tcplife.stream" in proc.stderr
        if proc.returncode != 0 or noted != want:
            failures.append("-z tcplife,streams,%s%s: want %s on stderr, got exit %d, %r"
                            % (flt, " -2" if two_pass else "",
                               "a note naming -2" if want else "no note",
                               proc.returncode, proc.stderr.strip()))
    return failures


def main(argv):
    mode, args = argv[1], argv[2:]
    with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
        if mode == "golden":
            failures = [f for path in args[1:] for f in check_golden(env, args[0], path)]
        elif mode == "bad-arg":
            failures = check_bad_args(env, args[0], args[1:])
        elif mode == "table":
            failures = check_table(env, args[0], args[1:])
        elif mode == "empty":
            failures = check_empty(env)
        elif mode == "single":
            failures = check_single(env)
        elif mode == "note":
            failures = check_note(env, args[0])
        else:
            raise SystemExit("unknown mode " + mode)
    for f in failures:
        print("FAIL:", f)
    print("%s: %s" % (mode, "ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
