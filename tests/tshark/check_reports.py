#!/usr/bin/python3
"""Check tcplife's tshark reports (-z tcplife,...) through the real tshark.

  check_reports.py golden CAPTURES_DIR EXPECTED.txt...
      Each EXPECTED file (tests/expected/*.ladder.txt, *.streams-report.txt)
      names its run in directive lines:
          #! capture NAME.pcap        a file in CAPTURES_DIR
          #! z tcplife,ladder,0,all   the -z argument (the rest of the line)
          #! passes 1 2               1: one pass, 2: tshark -2; each must print the text
          #! comment ##               comment lines start with "##", not "#" (for
                                      output whose own lines start with "#": a conn.log)
      Every other line starting with the comment prefix ('#', or the one a
      '#! comment' line above it set) is a comment and is dropped; the rest is
      what tshark -q prints, exactly (blank lines at either end ignored).
  check_reports.py bad-arg CAPTURE Z...
      tshark must fail (exit status != 0) and say why on stderr, for each Z.
  check_reports.py table CAPTURE STREAM CELL...
      -z tcplife,table (the GUI's table in tshark's generic layout, which
      differs between versions): a row whose '|'-separated cells start with
      STREAM, CELL... must be printed, in one pass and with -2.

The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check passed.
"""

import difflib
import os
import sys

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


def report(env, capture, z, two_pass):
    proc = env.read(capture, ["-q", "-z", z], two_pass=two_pass, check=False)
    if proc.returncode != 0:
        return None, "tshark exited with %d: %s" % (proc.returncode, proc.stderr.strip())
    return trim(proc.stdout.splitlines()), None


def check_golden(env, captures, path):
    directives, want = read_golden(path)
    capture = os.path.join(captures, directives["capture"])
    failures = []
    for p in directives["passes"].split():
        label = "%s (%s)" % (os.path.basename(path), "-2" if p == "2" else "one pass")
        got, error = report(env, capture, directives["z"], two_pass=(p == "2"))
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
        rows = [[c.strip() for c in line.split("|")] for line in (got or [])]
        if error or not any(row[:len(cells)] == cells for row in rows):
            failures.append("-z tcplife,table%s: no row starting %s in:\n%s"
                            % (" -2" if two_pass else "", " | ".join(cells),
                               error or "\n".join(got)))
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
        else:
            raise SystemExit("unknown mode " + mode)
    for f in failures:
        print("FAIL:", f)
    print("%s: %s" % (mode, "ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
