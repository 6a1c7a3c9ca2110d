#!/usr/bin/python3
"""Opening another capture starts from nothing: several captures loaded one
after the other in ONE Wireshark process (sharkd) are annotated exactly as
each loaded alone.

  state_reset.py CAPTURE...

sharkd (package wireshark-common) is Wireshark's analysis daemon: the same
epan as the GUI, driven by JSON-RPC on stdin.  Its "load" method closes the
current file and opens another in the same process, as File > Open does in
the GUI, so the plugin's init and cleanup routines run between files.  For
each capture loaded alone (a fresh sharkd each) and then for the whole
sequence in one sharkd, this script records every frame's tcplife subtrees
(labels and filter strings of every node: phase, steps, stream index,
transfer ordinals, conn_state, history...), the packet list's columns (the
Info prefix) and the plugin's streams table (the -z tcplife,table tap,
sharkd's "nstat:tcplife,table"), and compares them.  Any difference means
state leaked from an earlier file.  The sequence is the captures in the
order given, then the first again (so each is also loaded after the others).

Runs sharkd as `nobody` when root, with the freshly built plugin
(tests/tshark/tshark_env.py).  Environment: TCPLIFE_PLUGIN, TCPLIFE_WS_VERSION.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from tshark_env import TsharkEnv  # noqa: E402


WATCHDOG_SECONDS = 300
REPORT = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer")


class Sharkd:
    def __init__(self, env, stderr=subprocess.DEVNULL):
        cmd = env.command(["-"])
        i = cmd.index(env.tshark)
        cmd[i] = shutil.which("sharkd") or "sharkd"
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, cwd=env.root, text=True)
        self.next_id = 0
        # A hung sharkd must fail the test, not hold ctest until its timeout.
        self.watchdog = threading.Timer(WATCHDOG_SECONDS, self.proc.kill)
        self.watchdog.daemon = True
        self.watchdog.start()

    def call(self, method, **params):
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params:
            req["params"] = params
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("sharkd exited during %s (exit %s)" % (method, self.proc.poll()))
            if not line.startswith("{"):
                continue        # sharkd's own chatter
            reply = json.loads(line)
            if reply.get("id") != self.next_id:
                continue
            if "error" in reply:
                raise RuntimeError("sharkd %s %s: %s" % (method, params, reply["error"]))
            return reply["result"]

    def close(self):
        self.watchdog.cancel()
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def tcplife_nodes(tree):
    """Every tcplife subtree of a frame, flattened to (depth, label, filter)."""
    out = []

    def walk(node, depth):
        out.append((depth, node.get("l", ""), node.get("f", "")))
        for child in node.get("n", []):
            walk(child, depth + 1)

    for top in tree:
        if top.get("f") == "tcplife":
            walk(top, 0)
    return out


def snapshot(sharkd, path):
    """What the plugin shows for the capture at path, freshly loaded."""
    sharkd.call("load", file=path)
    frames = sharkd.call("status")["frames"]
    listing = [row.get("c") for row in sharkd.call("frames")]
    trees = [tcplife_nodes(sharkd.call("frame", frame=n, proto=True)["tree"])
             for n in range(1, frames + 1)]
    table = sharkd.call("tap", tap0="nstat:tcplife,table")
    return {"frames": frames, "list": listing, "trees": trees, "table": table}


def first_difference(alone, after):
    if alone["frames"] != after["frames"]:
        return "frame count %d alone, %d after the others" % (alone["frames"], after["frames"])
    for n, (a, b) in enumerate(zip(alone["trees"], after["trees"]), 1):
        if a != b:
            for x, y in zip(a + [None] * len(b), b + [None] * len(a)):
                if x != y:
                    return "frame %d tree: alone %r, after the others %r" % (n, x, y)
    for n, (a, b) in enumerate(zip(alone["list"], after["list"]), 1):
        if a != b:
            return "frame %d packet list: alone %r, after the others %r" % (n, a, b)
    if alone["table"] != after["table"]:
        return "streams table: alone %s, after the others %s" % (
            json.dumps(alone["table"])[:800], json.dumps(after["table"])[:800])
    return None


def run_sequence(env, captures, alone, label, stderr=subprocess.DEVNULL):
    """Loads captures one after the other in one sharkd; returns failures."""
    failures = []
    sequence = captures + captures[:1]
    s = Sharkd(env, stderr)
    try:
        for k, capture in enumerate(sequence):
            got = snapshot(s, env.stage(capture))
            name = os.path.basename(capture)
            before = ", ".join(os.path.basename(p) for p in sequence[:k]) or "nothing"
            diff = first_difference(alone[capture], got)
            nodes = sum(len(t) for t in got["trees"])
            print("%s %-26s after %-50s %4d frames, %5d tcplife nodes: %s"
                  % (label, name, before[-50:], got["frames"], nodes,
                     "same as alone" if not diff else "DIFFERENT"))
            if diff:
                failures.append("%s: %s loaded after %s: %s" % (label, name, before, diff))
    finally:
        s.close()
    return failures, len(sequence)


def main(captures):
    if not shutil.which("sharkd"):
        print("sharkd is not installed (Debian: package wireshark-common): skipped")
        return 77
    failures, checks = [], 0
    start = time.monotonic()
    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    try:
        alone = {}
        for capture in captures:
            s = Sharkd(env)
            try:
                alone[capture] = snapshot(s, env.stage(capture))
            finally:
                s.close()
            if not any(alone[capture]["trees"]):
                failures.append("%s: no tcplife tree at all (plugin not loaded in sharkd?)"
                                % os.path.basename(capture))
        f, n = run_sequence(env, captures, alone, "plugin")
        failures += f
        checks += n
    finally:
        env.close()

    # The same sequence with the plugin under ASan+UBSan: no report either
    # (file-scoped memory of an earlier file must not be touched).
    if os.environ.get("TCPLIFE_ASAN_PLUGIN") and os.environ.get("TCPLIFE_SANITIZER_PRELOAD"):
        os.environ["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1:exitcode=86"
        os.environ["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:exitcode=87"
        env = TsharkEnv(os.environ["TCPLIFE_ASAN_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"],
                        preload=os.environ["TCPLIFE_SANITIZER_PRELOAD"])
        log = os.path.join(env.home, "sharkd-asan.log")
        try:
            with open(log, "w") as err:
                try:
                    f, n = run_sequence(env, captures, alone, "asan  ", stderr=err)
                except RuntimeError as e:
                    f, n = ["asan: %s" % e], 1
            failures += f
            checks += n
            with open(log) as err:
                text = err.read()
            if REPORT.search(text):
                failures.append("asan: sanitizer report in sharkd:\n" + text[-4000:])
        finally:
            env.close()

    for f in failures:
        print("FAIL:", f)
    print("state reset: %d loads in one sharkd compared with fresh processes, %.0f s"
          % (checks, time.monotonic() - start))
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
