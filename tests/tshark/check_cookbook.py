#!/usr/bin/python3
"""Every display filter of the README's "Filters cookbook" works.

  check_cookbook.py README.md CAPTURE...

The captures are concatenated (mergecap -a) into one file.  Each filter in
the cookbook table must (1) be accepted by tshark, (2) match at least one
packet of the corpus, and (3) match the same packets whether the tree is
shown (-V, as in the GUI: the lean tree hides some fields but keeps them)
or not.  With -2, as the cookbook says for tcplife.stream.* filters.
TCPLIFE_PLUGIN and TCPLIFE_WS_VERSION come from ctest.
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402


def cookbook_filters(readme):
    text = open(readme, encoding="utf-8").read()
    section = text.split("## Filters cookbook", 1)[1].split("\n## ", 1)[0]
    filters = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[1].startswith("`"):
            filters.append(re.match(r"`([^`]+)`", cells[1]).group(1))
    return filters


def frames(env, capture, display_filter, details):
    args = ["-2", "-Y", display_filter, "-T", "fields", "-e", "frame.number"]
    if details:
        args = ["-V"] + args[:-4] + ["-O", "tcplife"]
    proc = env.read(capture, args, check=False)
    if proc.returncode != 0:
        return None, proc.stderr.strip()
    if details:      # -V prints one "Frame N:" block per packet
        return re.findall(r"^Frame (\d+):", proc.stdout, re.M), None
    return proc.stdout.split(), None


def main(readme, captures):
    filters = cookbook_filters(readme)
    if len(filters) < 10:
        print("FAIL the cookbook lists only %d filters" % len(filters))
        return 1
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, "corpus.pcapng")
        subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + captures, check=True)
        os.chmod(tmp, 0o755)
        with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
            for f in filters:
                plain, error = frames(env, merged, f, details=False)
                shown, error2 = frames(env, merged, f, details=True)
                if error or error2:
                    failures.append("%s: tshark refused it: %s" % (f, error or error2))
                elif not plain:
                    failures.append("%s: matches no packet of the corpus" % f)
                elif plain != shown:
                    failures.append("%s: %d packets without the tree, %d with -V"
                                    % (f, len(plain), len(shown)))
                else:
                    print("ok %5d packets  %s" % (len(plain), f))
    for msg in failures:
        print("FAIL " + msg)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
