#!/usr/bin/python3
"""Write everything tcplife shows for each capture into a folder, to diff.

  snapshot.py OUTDIR CAPTURE...

For a change that must not change any output (a refactor, a cheaper code
path): take a snapshot with the old build and one with the new, then
`diff -r OLD NEW`.  Per capture it writes every tcplife field (-T fields,
one pass and -2), the Info column, -V of the tcplife tree (one pass and
-2), the expert summary and each report.  The plugin and Wireshark version
come from TCPLIFE_PLUGIN and TCPLIFE_WS_VERSION, as for the tests.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402

REPORTS = ["tcplife,streams", "tcplife,ladder", "tcplife,ladder,all", "tcplife,table",
           "tcplife,conn", "tcplife,json", "tcplife,explain,all", "expert"]


def tcplife_fields(env):
    out = env.run(["-G", "fields"]).stdout
    return sorted(cols[2] for cols in (l.split("\t") for l in out.splitlines())
                  if len(cols) > 2 and cols[0] == "F" and cols[2].startswith("tcplife."))


def tcplife_tree(verbose):
    """Only the TCP Lifecycle subtrees of tshark -V output."""
    keep, inside = [], False
    for line in verbose.splitlines():
        if line.startswith("[TCP Lifecycle") or line.startswith("Frame "):
            inside = line.startswith("[TCP Lifecycle")
            keep.append(line)
        elif inside and line.startswith(" "):
            keep.append(line)
        else:
            inside = False
    return "\n".join(keep) + "\n"


def snapshot(env, capture, names, outdir):
    base = os.path.join(outdir, os.path.basename(capture))
    args = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,", "-e", "frame.number"]
    for n in names:
        args += ["-e", n]
    outputs = {
        "fields.1": env.read(capture, args).stdout,
        "fields.2": env.read(capture, args, two_pass=True).stdout,
        "info.1": env.read(capture, []).stdout,
        "tree.1": tcplife_tree(env.read(capture, ["-V"]).stdout),
        "tree.2": tcplife_tree(env.read(capture, ["-V"], two_pass=True).stdout),
    }
    for report in REPORTS:
        outputs["z." + report] = env.read(capture, ["-q", "-z", report], check=False).stdout
    for suffix, text in outputs.items():
        with open("%s.%s" % (base, suffix), "w", encoding="utf-8") as f:
            f.write(text)


def main(argv):
    outdir, captures = argv[1], argv[2:]
    os.makedirs(outdir, exist_ok=True)
    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    try:
        names = tcplife_fields(env)
        for capture in captures:
            snapshot(env, capture, names, outdir)
    finally:
        env.close()
    print("snapshot: %d captures, %d tcplife fields -> %s" % (len(captures), len(names), outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
