#!/usr/bin/python3
"""Check the "tcplife" configuration profile zip (extras/make-profile.py).

  check_profile.py PROFILE.zip COLORFILTERS EXPECTED.packets.tsv CAPTURE

PROFILE.zip must look like the zips Wireshark's Configuration Profiles ›
Import › from zip file takes (file entries only, under one folder named
tcplife/), and tshark -C tcplife, with the zip unpacked into the user's
profiles folder as that import does, must show it:
  - the Lifecycle and Stream columns in the default summary line: each
    frame's tcplife.label from EXPECTED.packets.tsv (hand-written from the
    contract) after its tcp.stream, then the Info column without tcplife's
    "[Handshake 1/3] " prefix, which the profile turns off; on Wireshark 4.0
    also by title (-T fields -e _ws.col.Lifecycle: from 4.2 on, column
    fields are no longer named by title);
  - the colouring rules, tcplife's first: tshark --color (on a terminal)
    paints each frame with the first rule that matches.  COLORFILTERS is
    extras/tcplife.colorfilters: a handshake and a teardown frame must get
    its colours, a transfer frame of an HTTP stream the default "HTTP"
    rule's, which the profile carries after tcplife's.
The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check passed.
"""

import os
import pty
import re
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402

PROFILE = "tcplife"
# Wireshark's default rule for HTTP (/usr/share/wireshark/colorfilters, 4.0 to
# 4.6): "@HTTP@http || tcp.port == 80 || http2@[58596,65535,51143][...]".
HTTP_BACKGROUND = (58596, 65535, 51143)


def check_zip(path):
    failures = []
    with zipfile.ZipFile(path) as z:
        names = [i.filename for i in z.infolist()]
        want = {PROFILE + "/preferences", PROFILE + "/colorfilters"}
        if set(names) != want:
            failures.append("zip entries %s, want exactly %s (no directory entries)"
                            % (names, sorted(want)))
        files = {n.split("/", 1)[1]: z.read(n).decode("utf-8") for n in names if "/" in n}
    return failures, files


def unpack(env, path):
    """As the import does: the zip's folders become profiles of the user."""
    profiles = os.path.join(env.home, ".config", "wireshark", "profiles")
    os.makedirs(profiles, exist_ok=True)
    with zipfile.ZipFile(path) as z:
        z.extractall(profiles)
    for root, dirs, files in os.walk(os.path.join(env.home, ".config")):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o777 if name in dirs else 0o666)
        os.chmod(root, 0o777)


def rule_colours(text):
    """[(name, filter, background)] of a colorfilters text, in order."""
    out = []
    for line in text.splitlines():
        m = re.match(r"@([^@]*)@(.*)@\[(\d+),(\d+),(\d+)\]\[\d+,\d+,\d+\]$", line)
        if m:
            out.append((m.group(1), m.group(2), tuple(int(x) for x in m.groups()[2:5])))
    return out


def expected_labels(path):
    labels = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            labels[int(cols[0])] = cols[5]
    return labels


def check_columns(env, capture, labels):
    failures = []
    proc = env.read(capture, ["-C", PROFILE, "-T", "fields", "-E", "separator=/t",
                              "-e", "frame.number", "-e", "_ws.col.Lifecycle",
                              "-e", "_ws.col.Stream"], check=False)
    if proc.returncode != 0:
        if os.environ["TCPLIFE_WS_VERSION"] == "4.0" or "aren't valid" not in proc.stderr:
            failures.append("tshark -C %s -e _ws.col.Lifecycle failed (%d): %s"
                            % (PROFILE, proc.returncode, proc.stderr.strip()))
        labels_by_title = {}
    else:
        labels_by_title = labels
    got = {int(c[0]): (c[1], c[2]) for c in (l.split("\t") for l in proc.stdout.splitlines())}
    for frame, label in labels_by_title.items():
        # Every frame of this capture is tcp.stream 0.
        if got.get(frame) != (label, "0"):
            failures.append("frame %d: Lifecycle, Stream columns %r, want %r"
                            % (frame, got.get(frame), (label, "0")))
    summary = env.read(capture, ["-C", PROFILE]).stdout.splitlines()
    for frame, label in labels.items():
        line = summary[frame - 1] if frame <= len(summary) else ""
        # "... TCP 74 0 Handshake 1/3 (SYN) 60592 → 80 [SYN] ...": Length,
        # Stream, Lifecycle, then Info without the "[Handshake 1/3] " prefix.
        if (" 0 %s " % label) not in line or "[" + label.split(" (")[0] in line:
            failures.append("frame %d: summary line %r lacks ' 0 %s ' or keeps the prefix"
                            % (frame, line, label))
    return failures


def colour_lines(env, capture):
    """tshark -C tcplife --color's lines: it colours only on a terminal."""
    master, slave = pty.openpty()
    cmd = env.command(["-C", PROFILE, "--color", "-r", env.stage(capture)])
    i = cmd.index("env") + 2    # after "env -i"
    cmd[i:i] = ["COLORTERM=truecolor", "TERM=xterm"]
    proc = subprocess.Popen(cmd, stdout=slave, stderr=subprocess.DEVNULL, cwd=env.root)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    proc.wait()
    os.close(master)
    return data.decode("utf-8", "replace").replace("\r", "").split("\n")


def background_of(line):
    m = re.search(r"\x1b\[48;2;(\d+);(\d+);(\d+)m", line)
    return tuple(int(x) for x in m.groups()) if m else None


def check_colours(env, capture, own_rules, labels):
    failures = []
    by_name = {name: bg for name, _, bg in own_rules}
    want = {1: by_name.get("tcplife: handshake"), 10: by_name.get("tcplife: teardown"),
            4: HTTP_BACKGROUND}
    lines = [l for l in colour_lines(env, capture) if re.search(r"\d", l)]
    for frame, bg16 in want.items():
        bg8 = tuple(v // 257 for v in bg16) if bg16 else None
        got = background_of(lines[frame - 1]) if frame <= len(lines) else None
        if bg8 is None or got != bg8:
            failures.append("frame %d (%s): --color background %s, want %s"
                            % (frame, labels.get(frame), got, bg8))
    return failures


def main(argv):
    zip_path, colorfilters, expected, capture = argv[1:5]
    failures, files = check_zip(zip_path)
    with open(colorfilters, encoding="utf-8") as f:
        own = rule_colours(f.read())
    profile_rules = rule_colours(files.get("colorfilters", ""))
    if not own or profile_rules[:len(own)] != own:
        failures.append("the profile's colorfilters do not start with %s's rules" % colorfilters)
    if not any(name == "HTTP" for name, _, _ in profile_rules[len(own):]):
        failures.append("the profile's colorfilters lack Wireshark's default rules after tcplife's")
    labels = expected_labels(expected)
    with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
        unpack(env, zip_path)
        failures += check_columns(env, capture, labels)
        failures += check_colours(env, capture, own, labels)
    for f in failures:
        print("FAIL:", f)
    print("profile: %s" % ("ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
