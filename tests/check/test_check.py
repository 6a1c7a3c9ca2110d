"""Tests of scripts/tcplife-check through the real tshark.

Run by ctest (tests/CMakeLists.txt) with TCPLIFE_PLUGIN = the plugin just
built and TCPLIFE_WS_VERSION = its Wireshark major.minor.  The checker is
always given --plugin, so it runs that plugin (as nobody when root), except
in the cases that test what it does without one.

Expected verdicts come from tests/expected/NAME.streams.tsv, which were
written by hand from the contract, never from the plugin's output.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
CHECKER = os.path.join(TOP, "scripts", "tcplife-check")
CAPTURES = os.path.join(TOP, "sample-captures")
EXPECTED = os.path.join(TOP, "tests", "expected")
sys.path.insert(0, os.path.join(TOP, "tests", "tshark"))
from check_capture import wireshark_is  # noqa: E402  ("#! wireshark" lines)
PLUGIN = os.environ["TCPLIFE_PLUGIN"]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
IS_ROOT = os.geteuid() == 0

SEED = os.path.join(CAPTURES, "seed-baidu.pcap")
REFUSED = os.path.join(CAPTURES, "refused.pcap")
ABORT = os.path.join(CAPTURES, "abort.pcap")
RESET_AFTER_CLOSE = os.path.join(CAPTURES, "reset-after-close.pcap")

WORK = tempfile.mkdtemp(prefix="tcplife-check-test.")
os.chmod(WORK, 0o755)


class Failed(AssertionError):
    pass


def check(condition, what, result=None):
    if not condition:
        detail = ""
        if result is not None:
            detail = "\n  exit %d\n  stdout: %s\n  stderr: %s" % (
                result.returncode, result.stdout[-3000:], result.stderr[-2000:])
        raise Failed(what + detail)


def run(*args, plugin=True, prefix=(), env=None, checker=CHECKER):
    cmd = list(prefix) + ["/usr/bin/python3", checker]
    if plugin:
        cmd += ["--plugin", PLUGIN]
    return subprocess.run(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env, cwd=WORK)


def one_line_error(result, *words):
    """Exit 2, exactly one line on stderr, and it says each of words."""
    check(result.returncode == 2, "expected exit 2", result)
    lines = result.stderr.strip().splitlines()
    check(len(lines) == 1, "expected one stderr line", result)
    for word in words:
        check(word in lines[0], "stderr should say %r" % word, result)
    check("PASS" not in result.stdout, "nothing may pass", result)


def expected_streams(name):
    """{stream: {column: value}} from tests/expected/NAME.streams.tsv
    (hand-checked).  Its first line that is not a comment names the
    columns (tests/expected/README.md): read them by name.  "-" is absent."""
    header, rows, keep = None, {}, True
    with open(os.path.join(EXPECTED, name + ".streams.tsv")) as handle:
        for line in handle:
            if line.startswith("#! wireshark "):   # rows for some versions only
                keep = wireshark_is(line[len("#! wireshark "):].strip())
            if line.startswith("#") or not line.strip() or not keep:
                continue
            cols = line.rstrip("\n").split("\t")
            if header is None:
                header = cols
                check("stream" in header, "%s.streams.tsv: no header row naming 'stream'" % name)
                continue
            row = {k: (None if v == "-" else v) for k, v in zip(header, cols)}
            rows[int(row["stream"])] = row
    return rows


# ---------------------------------------------------------------------------

def test_seed_passes():
    # seed-baidu: one stream, SF (seed-baidu.streams.tsv), no RST.
    r = run(SEED)
    check(r.returncode == 0, "seed capture must pass", r)
    check(r.stdout.startswith("PASS %s: 1 stream, 0 offending" % SEED), "PASS line", r)
    check(r.stderr == "", "nothing on stderr", r)


def test_refused_fails():
    # refused.streams.tsv: streams 0 and 1, both REJ, history Sr, reset
    # refused: each breaks both default rules (SF only, refused denied).
    r = run(REFUSED)
    check(r.returncode == 1, "refused capture must fail", r)
    check(r.stdout.startswith("FAIL %s: 2 streams, 2 offending" % REFUSED), "FAIL line", r)
    for stream, client in ((0, "10.0.0.1:40000"), (1, "10.0.0.1:40001")):
        line = [l for l in r.stdout.splitlines() if l.startswith("  stream %d " % stream)]
        check(len(line) == 1, "stream %d named once" % stream, r)
        for word in (client, "conn_state REJ", "history Sr", "reset refused",
                     "conn_state REJ not allowed", "reset kind refused denied"):
            check(word in line[0], "stream %d line says %r" % (stream, word), r)


def test_seed_and_refused_together():
    # One failing capture fails the run; the passing one is still reported.
    r = run(SEED, REFUSED)
    check(r.returncode == 1, "exit 1", r)
    check("PASS %s" % SEED in r.stdout and "FAIL %s" % REFUSED in r.stdout, "both lines", r)


def test_allow_and_deny():
    # refused: REJ + refused.  Allowing REJ leaves the refused rule.
    r = run("--allow", "SF,REJ", REFUSED)
    check(r.returncode == 1, "REJ allowed, refused still denied: fail", r)
    check("not allowed" not in r.stdout and "reset kind refused denied" in r.stdout,
          "only the reset rule is broken", r)
    # ...and --deny none lifts it: nothing left to break.
    r = run("--allow", "SF,REJ", "--deny", "none", REFUSED)
    check(r.returncode == 0, "REJ allowed, nothing denied: pass", r)
    # abort.streams.tsv: both streams RSTO with reset kind abort.  Default
    # (SF only): fail; RSTO allowed, abort not denied by default: pass;
    # denying abort: fail again, for the reset rule only.
    r = run(ABORT)
    check(r.returncode == 1 and r.stdout.count("conn_state RSTO not allowed") == 2,
          "abort fails by conn_state", r)
    r = run("--allow", "RSTO", ABORT)
    check(r.returncode == 0, "RSTO allowed: pass", r)
    r = run("--allow", "RSTO", "--deny", "refused,abort", ABORT)
    check(r.returncode == 1 and r.stdout.count("reset kind abort denied") == 2,
          "abort denied: fail", r)
    # reset-after-close.streams.tsv: stream 0 SF with reset after-close,
    # stream 1 RSTR.  Default: only stream 1 offends.  --deny after-close:
    # stream 0 too (2 offending) while RSTR is allowed.
    r = run(RESET_AFTER_CLOSE)
    check(r.returncode == 1 and "2 streams, 1 offending" in r.stdout
          and "  stream 1 " in r.stdout and "  stream 0 " not in r.stdout,
          "only the RSTR stream offends", r)
    r = run("--allow", "SF,RSTR", RESET_AFTER_CLOSE)
    check(r.returncode == 0, "SF and RSTR allowed: pass", r)
    r = run("--allow", "SF,RSTR", "--deny", "after-close", RESET_AFTER_CLOSE)
    check(r.returncode == 1 and "2 streams, 2 offending" in r.stdout,
          "after-close denied: both streams offend", r)


def test_bad_options():
    # A conn_state or reset kind that does not exist is a mistake, not a policy.
    r = run("--allow", "SF,BOGUS", SEED)
    check(r.returncode == 2 and "BOGUS" in r.stderr, "unknown conn_state: exit 2", r)
    r = run("--deny", "refusd", SEED)
    one_line_error(r, "unknown reset kind", "refusd")
    # No tshark where it was said to be, or none on PATH: cannot judge.
    r = run("--tshark", os.path.join(WORK, "no-tshark"), SEED)
    one_line_error(r, "tshark not found at")
    r = run(SEED, env=dict(os.environ, PATH=WORK))
    one_line_error(r, "tshark not found on PATH")


def corpus_names():
    names = []
    for entry in sorted(os.listdir(EXPECTED)):
        if entry.endswith(".streams.tsv"):
            name = entry[:-len(".streams.tsv")]
            if os.path.exists(os.path.join(CAPTURES, name + ".pcap")):
                names.append(name)
    return names


def unclean(name):
    """A capture with a stream that is not SF, or was reset."""
    return any(row.get("conn_state") != "SF" or row.get("reset")
               for row in expected_streams(name).values())


def corpus_against_expectations(policy_args, offends, only_unclean=False):
    """Captures with hand-checked streams, in one run: the checker's verdict
    per stream must be offends(expected row), and each offending stream must
    be reported with the expected client, state, history, kind."""
    names = corpus_names()
    check(len(names) >= 30, "the corpus has its expectations (%d)" % len(names))
    if only_unclean:
        names = [n for n in names if unclean(n)]
    paths = [os.path.join(CAPTURES, n + ".pcap") for n in names]
    r = run("--format", "json", *policy_args, *paths)
    doc = json.loads(r.stdout)
    expected_exit = 0
    for name, capture in zip(names, doc["captures"]):
        rows = expected_streams(name)
        if rows and not all(k in next(iter(rows.values())) for k in ("conn_state", "reset")):
            print("  (%s: no conn_state or reset column: verdict not checked)" % name)
            expected_exit = 1 if capture["result"] == "fail" else expected_exit
            continue
        check(capture["path"].endswith("/" + name + ".pcap"), "capture order")
        check(capture["streams"] == len(rows),
              "%s: %d streams expected, %d read" % (name, len(rows), capture["streams"]))
        want = {s for s, row in rows.items() if offends(row)}
        got = {s["stream"]: s for s in capture["offending_streams"]}
        check(set(got) == want, "%s: offending streams %s, expected %s"
              % (name, sorted(got), sorted(want)))
        for s, reported in got.items():
            row = rows[s]
            for key, column in (("client", "client"), ("conn_state", "conn_state"),
                                ("history", "history"), ("reset_kind", "reset")):
                if column in row:
                    check(reported[key] == row[column], "%s stream %d: %s %r, expected %r"
                          % (name, s, key, reported[key], row[column]))
        check(capture["result"] == ("fail" if want else "pass"), "%s: result" % name)
        expected_exit = 1 if want else expected_exit
    check(r.returncode == expected_exit, "corpus exit status %d" % expected_exit, r)
    return len(names)


def test_corpus_default_policy():
    # Default: conn_state SF only, reset kind refused denied.
    corpus_against_expectations(
        [], lambda row: row["conn_state"] != "SF" or row["reset"] == "refused")


def test_corpus_other_policy():
    # REJ and RSTO allowed, refused no longer denied but abort is: refused
    # streams pass, aborted ones fail even when their state is allowed.
    # Only the captures where that can change a verdict (a stream not SF, or
    # reset): the others were judged by the default run, and tshark's start
    # is most of the time.
    corpus_against_expectations(
        ["--allow", "SF,REJ,RSTO", "--deny", "abort"],
        lambda row: row["conn_state"] not in ("SF", "REJ", "RSTO") or row["reset"] == "abort",
        only_unclean=True)


def test_plugin_that_does_not_load():
    # Not a shared object at all: tshark refuses it, the checker says so.
    junk = os.path.join(WORK, "junk.so")
    with open(junk, "w") as handle:
        handle.write("not a plugin\n")
    r = run("--plugin", junk, SEED, plugin=False)
    one_line_error(r, "did not load the tcplife plugin", junk, "Couldn't load plugin")


def tcplife_installed_for(prefix, env):
    out = subprocess.run(list(prefix) + ["tshark", "-G", "plugins"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, env=env).stdout
    return any(l.split("\t")[0].strip() == "tcplife.so" for l in out.splitlines())


def test_no_plugin_anywhere():
    # A copy of the checker away from the source tree (no ../build), an
    # empty HOME (no per-user plugin), no SUDO_USER: tshark has no tcplife.
    alone = os.path.join(WORK, "bin")
    os.makedirs(alone, exist_ok=True)
    shutil.copy(CHECKER, alone)
    home = os.path.join(WORK, "home")
    os.makedirs(home, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SUDO_USER", "WIRESHARK_PLUGIN_DIR")}
    env["HOME"] = home
    if tcplife_installed_for((), env):
        print("  (skipped: tcplife is installed system-wide here)")
        return
    r = run(SEED, plugin=False, env=env, checker=os.path.join(alone, "tcplife-check"))
    if IS_ROOT:
        # Root's tshark ignores per-user plugins and WIRESHARK_PLUGIN_DIR.
        one_line_error(r, "run as root", "ignores per-user plugins", "--plugin FILE")
    else:
        one_line_error(r, "did not load the tcplife plugin", "no tcplife.so in")


def test_missing_capture():
    r = run(os.path.join(WORK, "nope.pcap"))
    one_line_error(r, "nope.pcap: no such file")
    # A good capture before it does not make the run pass.
    r = run(SEED, os.path.join(WORK, "nope.pcap"))
    one_line_error(r, "no such file")


def test_truncated_capture():
    # The seed cut in the middle of its fourth packet: the first three end
    # at byte 24 + 3 * 16 + 74 + 58 + 54 = 258, the fourth (16 + 226
    # bytes) at 500.  tshark reads three packets, then says cut short.
    cut = os.path.join(WORK, "cut.pcap")
    with open(SEED, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(340))
    os.chmod(cut, 0o644)
    r = run(cut)
    one_line_error(r, "cut.pcap", "cut short")


def test_empty_captures():
    # A pcap header and no packet: no TCP stream, nothing judged: exit 2,
    # unless --allow-empty, which passes it with a note.
    header_only = os.path.join(WORK, "header-only.pcap")
    with open(SEED, "rb") as src, open(header_only, "wb") as dst:
        dst.write(src.read(24))
    os.chmod(header_only, 0o644)
    one_line_error(run(header_only), "no TCP stream", "--allow-empty")
    r = run("--allow-empty", header_only)
    check(r.returncode == 0 and "no TCP streams" in r.stdout, "--allow-empty passes", r)
    # Zero bytes is not even a capture (tshark 4.0 reads it as nothing).
    zero = os.path.join(WORK, "zero.pcap")
    open(zero, "wb").close()
    one_line_error(run("--allow-empty", zero), "empty file")


def test_json_report():
    r = run("--format", "json", SEED, REFUSED)
    check(r.returncode == 1, "exit status as in text", r)
    doc = json.loads(r.stdout)
    # 2 captures; 1 + 2 streams; refused's 2 streams offend.
    check(doc["result"] == "fail" and doc["streams"] == 3 and doc["offending"] == 2, "totals", r)
    check(doc["policy"]["allow_conn_states"] == ["SF"]
          and doc["policy"]["deny_reset_kinds"] == ["refused"], "default policy", r)
    check([c["result"] for c in doc["captures"]] == ["pass", "fail"], "per capture", r)
    bad = doc["captures"][1]["offending_streams"]
    check([s["stream"] for s in bad] == [0, 1], "streams 0 and 1", r)
    # refused.packets.tsv: stream 0 starts at frame 1, stream 1 at frame 3.
    check(bad[0]["first_frame"] == "1" and bad[1]["first_frame"] == "3", "first frames", r)
    check(bad[0]["server"] == "10.0.0.2:8080" and len(bad[0]["broken"]) == 2, "server, rules", r)


def test_junit_report_to_file():
    out = os.path.join(WORK, "report.xml")
    r = run("--format", "junit", "--output", out, SEED, REFUSED)
    check(r.returncode == 1 and r.stdout == "", "exit 1, report only in the file", r)
    suite = ET.parse(out).getroot()
    check(suite.tag == "testsuite", "root is one testsuite")
    # 2 captures = 2 test cases; 1 failed case holding 2 failures.
    check(suite.get("tests") == "2" and suite.get("failures") == "1"
          and suite.get("errors") == "0", "suite counts %s" % suite.attrib)
    cases = suite.findall("testcase")
    check([len(c.findall("failure")) for c in cases] == [0, 2], "failures per case")
    check("->" in cases[1].find("failure").get("message"), "escaped '>' read back")


def test_error_report_replaces_old_one():
    # A run that cannot judge must not leave a previous passing report.
    out = os.path.join(WORK, "error.xml")
    run("--format", "junit", "--output", out, SEED)
    r = run("--format", "junit", "--output", out, os.path.join(WORK, "nope.pcap"))
    one_line_error(r, "no such file")
    suite = ET.parse(out).getroot()
    check(suite.get("errors") == "1" and suite.find("testcase/error") is not None,
          "the report records the error")


def test_root_reads_captures_nobody_can_read():
    if not IS_ROOT:
        print("  (skipped: not root)")
        return
    # tshark runs as nobody; a capture in a 0700 folder is copied for it.
    private = tempfile.mkdtemp(prefix="tcplife-private.")
    try:
        shutil.copy(REFUSED, private)
        r = run(os.path.join(private, "refused.pcap"))
        check(r.returncode == 1 and "2 streams, 2 offending" in r.stdout,
              "read through a copy", r)
    finally:
        shutil.rmtree(private)


def test_as_normal_user():
    if not IS_ROOT:
        print("  (covered by every other case: not root)")
        return
    # As nobody, --plugin is staged through WIRESHARK_PLUGIN_DIR (no setpriv).
    env = dict(os.environ, HOME="/nonexistent")
    plugin_copy = os.path.join(WORK, "tcplife.so")
    shutil.copy(PLUGIN, plugin_copy)
    os.chmod(plugin_copy, 0o644)
    r = subprocess.run(NOBODY + ["/usr/bin/python3", CHECKER, "--plugin", plugin_copy, REFUSED],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                       cwd="/")
    check(r.returncode == 1 and "2 streams, 2 offending" in r.stdout, "nobody's run", r)


def main():
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    passed = failed = 0
    try:
        for name, func in tests:
            try:
                func()
            except (Failed, Exception) as err:   # noqa: B014 - report every failure
                failed += 1
                print("FAIL %s: %s" % (name, err))
            else:
                passed += 1
                print("ok   %s" % name)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
