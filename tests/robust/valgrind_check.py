#!/usr/bin/python3
"""Valgrind memcheck over tshark with the normal tcplife plugin.

  valgrind_check.py [--modes all|ci] CAPTURE...

Runs `valgrind --tool=memcheck --leak-check=full` on the stock tshark (as
`nobody` when root, through tests/tshark/tshark_env.py) reading each
capture in one pass with -V, and in two passes with -V and the plugin's
reports (-z tcplife,streams / ladder / table).  No suppression file:
valgrind's XML output is parsed and only errors attributable to the plugin
fail the test:

  - any error (invalid read or write, uninitialised value, bad free...)
    whose stack has a tcplife frame (object tcplife.so, or a function of the
    plugin: tl_*, tcplife_*, dissect_tcplife, ...);
  - any definite or possible leak whose allocation stack reaches a tcplife
    frame without going through memory whose owner is Wireshark: wmem (its
    scopes are Wireshark's to release) or the stat_tap_* table API (tshark
    never frees the tables of -z reports).  Indirect leaks are only the
    consequence of their root block's leak, which is judged instead.

Valgrind keeps the plugin's debug information after Wireshark unloads it at
exit (--keep-debuginfo), else its frames would have no names.  Everything
else (Wireshark's and GLib's own leaks at exit) is counted and printed,
never failed on.  Exits 77 (ctest: skipped) when valgrind is not installed.
Environment: TCPLIFE_PLUGIN, TCPLIFE_WS_VERSION.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from tshark_env import TsharkEnv  # noqa: E402

MODES = [["-V"],
         ["-2", "-V", "-z", "tcplife,streams", "-z", "tcplife,ladder,all", "-z", "tcplife,table"]]
PLUGIN_FUNCS = ("tl_", "tcplife_", "dissect_tcplife", "proto_register_tcplife",
                "proto_reg_handoff_tcplife", "analyse_frame", "stream_get", "stream_new",
                "segment_of", "prefix_info_column")
PLUGIN_FILES = ("packet-tcplife.c", "tcplife_")


def is_plugin_frame(frame):
    obj = frame.findtext("obj") or ""
    fn = frame.findtext("fn") or ""
    src = frame.findtext("file") or ""
    return (os.path.basename(obj) == "tcplife.so" or fn.startswith(PLUGIN_FUNCS)
            or src.startswith(PLUGIN_FILES))


# Allocations made through these belong to Wireshark.
OWNER_FUNCS = ("wmem_", "stat_tap_")


def is_owner_frame(frame):
    return (frame.findtext("fn") or "").startswith(OWNER_FUNCS)


def describe(err):
    what = err.findtext("what") or err.findtext("xwhat/text") or ""
    lines = ["%s: %s" % (err.findtext("kind"), what)]
    for frame in err.find("stack").iter("frame"):
        lines.append("    %s (%s:%s) %s" % (frame.findtext("fn") or "?", frame.findtext("file") or "",
                                            frame.findtext("line") or "", frame.findtext("obj") or ""))
    return "\n".join(lines[:30])


def plugin_frame_of(err):
    """The plugin frame that makes err the plugin's, or None."""
    frames = list(err.find("stack").iter("frame"))
    kind = err.findtext("kind") or ""
    if not kind.startswith("Leak_"):
        return next((f for f in frames if is_plugin_frame(f)), None)
    if kind == "Leak_IndirectlyLost":
        return None         # judged by its root block
    for f in frames:        # innermost (the allocator) first
        if is_owner_frame(f):
            return None     # allocated through wmem or a stat table before reaching the plugin
        if is_plugin_frame(f):
            return f
    return None


def attributable(err):
    return plugin_frame_of(err) is not None


def run_one(env, capture, mode, xml_path):
    staged = env.stage(capture)
    cmd = env.command(["-r", staged] + mode)
    i = cmd.index(env.tshark)
    valgrind = [shutil.which("valgrind"), "--tool=memcheck", "--xml=yes", "--xml-file=" + xml_path,
                "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                "--errors-for-leak-kinds=definite,indirect,possible", "--num-callers=50",
                "--keep-debuginfo=yes"]
    cmd = cmd[:i] + valgrind + [shutil.which(env.tshark) or env.tshark] + cmd[i + 1:]
    try:
        return subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=env.root,
                              timeout=600)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, -9, b"", b"timed out after 600 s: " + (e.stderr or b""))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("captures", nargs="+")
    args = p.parse_args()
    if not shutil.which("valgrind"):
        print("valgrind is not installed (Debian: apt-get install valgrind): skipped")
        return 77
    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    failures, failed_runs, other, runs = [], set(), {}, 0
    start = time.monotonic()
    try:
        for capture in args.captures:
            for k, mode in enumerate(MODES):
                xml_path = os.path.join(env.home, "vg-%s-%d.xml" % (os.path.basename(capture), k))
                t0 = time.monotonic()
                proc = run_one(env, capture, mode, xml_path)
                runs += 1
                label = "%s %s" % (os.path.basename(capture), " ".join(mode))
                if proc.returncode != 0 or not os.path.exists(xml_path):
                    failed_runs.add(label)
                    failures.append("%s: tshark under valgrind exited %d\n%s"
                                    % (label, proc.returncode, proc.stderr.decode(errors="replace")[-2000:]))
                    continue
                errors = list(ET.parse(xml_path).getroot().iter("error"))
                mine = [e for e in errors if attributable(e)]
                for e in errors:
                    if not attributable(e):
                        other[e.findtext("kind")] = other.get(e.findtext("kind"), 0) + 1
                failures += ["%s: %s" % (label, describe(e)) for e in mine]
                if mine:
                    failed_runs.add(label)
                print("%-60s %3d valgrind errors, %d attributable to tcplife (%.0f s)"
                      % (label[:60], len(errors), len(mine), time.monotonic() - t0))
    finally:
        env.close()
    for f in failures:
        print("FAIL:", f)
    print("valgrind: %d runs in %.0f s; not the plugin's: %s"
          % (runs, time.monotonic() - start,
             ", ".join("%d %s" % (n, k) for k, n in sorted(other.items())) or "none"))
    print("%d passed, %d failed" % (runs - len(failed_runs), len(failed_runs)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
