#!/usr/bin/python3
"""The README's Flow Graph recipe: "All flows" on one stream shows tcplife's labels.

  check_flow.py CAPTURE EXPECTED.tsv FILTER

Runs tshark -q -z flow,any,standard,FILTER (the text form of Statistics >
Flow Graph, flow type "All flows", limited to the display filter), in one
pass and with -2 (the GUI's Flow Graph retaps the file: a revisit), and
checks every arrow against EXPECTED.tsv (tests/expected/*.flow-any.tsv):
its time, its direction ('->' left node to right node, '<-' back) and that
its comment, after Wireshark's "PROTOCOL: ", starts with the tcplife Info
prefix.  The rest of the comment is Wireshark's Info text, which differs
between versions, and is not checked.

The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check passed.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402

# tshark's flow dump: a "|TIME |  label  |COMMENT" line, then the arrow line
# "|        |(60592)  ------------------>  (80)     |".
ROW = re.compile(r"^\|(\d+\.\d+) *\|[^|]*\|(?P<comment>.*)$")
ARROW = re.compile(r"(-+>|<-+)")
COMMENT = re.compile(r"^[A-Za-z0-9_./-]+: (?P<rest>.*)$")


def read_expected(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            time, direction, prefix = line.rstrip("\n").split("\t")
            rows.append((time, direction, prefix))
    return rows


def arrows(stdout):
    """[(time, direction, comment)] of the flow dump, in order."""
    lines = stdout.splitlines()
    out = []
    for i, line in enumerate(lines):
        m = ROW.match(line)
        if not m or i + 1 >= len(lines):
            continue
        a = ARROW.search(lines[i + 1])
        direction = "?" if not a else ("->" if a.group(1).endswith(">") else "<-")
        out.append((m.group(1), direction, m.group("comment")))
    return out


def check(env, capture, expected, flt, two_pass):
    label = "-2" if two_pass else "one pass"
    proc = env.read(capture, ["-q", "-z", "flow,any,standard," + flt],
                    two_pass=two_pass, check=False)
    if proc.returncode != 0:
        return ["%s: tshark exited with %d: %s" % (label, proc.returncode, proc.stderr.strip())]
    got = arrows(proc.stdout)
    failures = []
    if len(got) != len(expected):
        failures.append("%s: %d arrows, expected %d:\n%s"
                        % (label, len(got), len(expected), proc.stdout))
    for n, ((time, direction, comment), (w_time, w_dir, w_prefix)) in \
            enumerate(zip(got, expected), 1):
        m = COMMENT.match(comment)
        rest = m.group("rest") if m else comment
        if time != w_time or direction != w_dir or not rest.startswith(w_prefix + " "):
            failures.append("%s: arrow %d is %s %s %r, expected %s %s %r..."
                            % (label, n, time, direction, comment, w_time, w_dir, w_prefix))
    return failures


def main(argv):
    capture, expected_path, flt = argv[1], argv[2], argv[3]
    expected = read_expected(expected_path)
    with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
        failures = [f for two_pass in (False, True)
                    for f in check(env, capture, expected, flt, two_pass)]
    for f in failures:
        print("FAIL:", f)
    print("flow: %s" % ("ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
