#!/usr/bin/python3
"""Check the machine-readable reports, -z tcplife,conn and -z tcplife,json,
through the real tshark.

  check_outputs.py zeek ZEEK_DIR
      -z tcplife,conn over Zeek's own traces (tests/zeek, as check_zeek.py):
      each TCP record of Zeek's conn.log is matched to a row by
      check_zeek.match_records; conn_state and history must agree or be
      explained in explained.tsv (check_zeek.judge), and orig_pkts and
      resp_pkts must agree.  Where Zeek split one tcp.stream into several
      records (the explained "(no stream)" ones), our row's counts must be
      the sums of Zeek's records of that 4-tuple.  Prints the figures,
      bytes and durations too (not asserted: docs/reports.md says why they differ).
  check_outputs.py corpus BASELINE SEED|- CAPTURE...
      One tshark run per capture prints both reports (-z tcplife,conn
      -z tcplife,json), one more with -2 must print the same, and one
      tshark -2 -T fields of every tcplife.stream.* field is the reference.
      conn.log: it parses as zeek-cut parses it (the #separator, then
      #fields); #fields and #types are BASELINE's (a Zeek conn.log); every
      row has as many columns; ts and uid have their form, and each uid is
      the FNV-1a hash docs/reports.md describes (recomputed here); one row
      per stream.  With zeek-cut or bro-cut installed, it must extract the
      same columns.  JSON: every line parses (json.loads); every stream
      appears once; each object holds exactly the tcplife.stream.* fields
      that -T fields shows for that stream, with the same values; SEED's one
      object has the contract's values (LIFECYCLE.md's seed; SEED must be
      one of the captures, "-": none of them is).
  check_outputs.py filter CAPTURE FILTER INDEX...
      -z tcplife,conn,FILTER and -z tcplife,json,FILTER list exactly the
      streams INDEX... (none: no stream).

The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check passed.
"""

import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv, normalise_bool  # noqa: E402
import check_zeek  # noqa: E402

TS = re.compile(r"^\d+\.\d{6}$")
UID = re.compile(r"^T[0-9A-Za-z]{11}$")


def report(env, capture, z, two_pass=False, extra=()):
    return env.read(capture, ["-q", "-z", z] + list(extra), two_pass=two_pass).stdout


def parse_conn(text):
    """(header {name: value}, fields, types, rows as dicts), as zeek-cut reads a
    log: the separator from #separator, the column names from #fields."""
    header, fields, types, rows, sep = {}, None, None, [], "\t"
    for line in text.splitlines():
        if line.startswith("#separator "):
            sep = line.split(" ", 1)[1].encode().decode("unicode_escape")
            header["separator"] = sep
        elif line.startswith("#"):
            cols = line[1:].split(sep)
            header[cols[0]] = cols[1:]
            if cols[0] == "fields":
                fields = cols[1:]
            elif cols[0] == "types":
                types = cols[1:]
        elif line:
            cells = line.split(sep)
            if fields is None or len(cells) != len(fields):
                raise ValueError("row with %d columns, #fields has %s: %r"
                                 % (len(cells), len(fields) if fields else "none", line))
            rows.append(dict(zip(fields, cells)))
    return header, fields, types, rows


# ---- zeek: agreement with Zeek's conn.log -------------------------------------

def oriented_pkts(rec, orig):
    """(packets from orig, packets from the other side) of a Zeek record."""
    mine = (rec["id.orig_h"], rec["id.orig_p"]) == orig
    a, b = rec["orig_pkts"], rec["resp_pkts"]
    return (a, b) if mine else (b, a)


def compare_pkts(label, rec, row):
    """A failure message, or None when the record's counts are the row's."""
    orig = (row["id.orig_h"], row["id.orig_p"])
    if orig != (rec["id.orig_h"], rec["id.orig_p"]):
        return "%s: Zeek's originator is %s:%s, tcplife's %s:%s" % (
            label, rec["id.orig_h"], rec["id.orig_p"], orig[0], orig[1])
    zeek = oriented_pkts(rec, orig)
    ours = (row["orig_pkts"], row["resp_pkts"])
    if zeek == ours:
        return None
    return "%s: Zeek orig_pkts/resp_pkts %s/%s, tcplife %s/%s" % ((label,) + zeek + ours)


def compare_split(labels, recs, row):
    """Zeek logged several records where we have one stream (explained.tsv
    says why): our counts must be the sums of Zeek's."""
    orig = (row["id.orig_h"], row["id.orig_p"])
    sums = [0, 0]
    for rec in recs:
        for i, n in enumerate(oriented_pkts(rec, orig)):
            sums[i] += int(n) if n != "-" else 0
    ours = (int(row["orig_pkts"]), int(row["resp_pkts"]))
    text = "%s: Zeek's %d records sum to %d/%d packets, tcplife %d/%d" % (
        labels[0].rsplit(" #", 1)[0], len(recs), sums[0], sums[1], ours[0], ours[1])
    return (None, "split: " + text) if tuple(sums) == ours else (text, None)


def check_case_pkts(pairs, rows_by_tuple, figures):
    """Packet counts, per 4-tuple: one to one, or Zeek's split summed."""
    failures, groups = [], {}
    for label, rec, row in pairs:
        key = check_zeek.tuple_key((rec["id.orig_h"], rec["id.orig_p"]), (rec["id.resp_h"], rec["id.resp_p"]))
        groups.setdefault(key, []).append((label, rec, row))
    for key, group in groups.items():
        ours = rows_by_tuple.get(key, [])
        if len(ours) == len(group):
            for label, rec, row in group:
                f = compare_pkts(label, rec, row)
                failures += [f] if f else []
                figures["pkts equal"] += 0 if f else 1
                note_sizes(rec, row, figures)
        elif len(ours) == 1:
            f, note = compare_split([g[0] for g in group], [g[1] for g in group], ours[0])
            failures += [f] if f else []
            if note:
                print(note)
                figures["split records summed"] += len(group)
        else:
            failures.append("%s: Zeek has %d records, tcplife %d streams: cannot attribute packets"
                            % (group[0][0], len(group), len(ours)))
    return failures


def note_sizes(rec, row, figures):
    """Bytes and duration of a one-to-one record, for the figures only."""
    same_bytes = (rec["orig_bytes"], rec["resp_bytes"]) == (row["orig_bytes"], row["resp_bytes"])
    figures["bytes equal"] += same_bytes
    figures["duration equal"] += rec["duration"] == row["duration"]


def zeek_case(env, zeek_dir, case, figures):
    trace = os.path.join(zeek_dir, case["trace"])
    options = check_zeek.tshark_options(case["zeek_options"])
    text = report(env, trace, "tcplife,conn", extra=options)
    failures = []
    if report(env, trace, "tcplife,conn", two_pass=True, extra=options) != text:
        failures.append("%s: -z tcplife,conn differs between one pass and -2" % case["trace"])
    rows = parse_conn(text)[3]
    ours = [((r["id.orig_h"], r["id.orig_p"]), (r["id.resp_h"], r["id.resp_p"]), r) for r in rows]
    rows_by_tuple = {}
    for orig, resp, row in ours:
        rows_by_tuple.setdefault(check_zeek.tuple_key(orig, resp), []).append(row)
    pairs = check_zeek.match_records(trace, os.path.join(zeek_dir, case["baseline"]), ours)
    outcome = [(label, rec["conn_state"], row["conn_state"] if row else "(no stream)",
                rec["history"], row["history"] if row else "(no stream)")
               for label, rec, row in pairs]
    figures["records"] += len(pairs)
    figures["conn_state and history equal"] += sum(1 for o in outcome if (o[1], o[3]) == (o[2], o[4]))
    failures += check_case_pkts(pairs, rows_by_tuple, figures)
    return failures, outcome


def check_zeek_dir(env, zeek_dir):
    explained = check_zeek.read_explained(os.path.join(zeek_dir, "explained.tsv"),
                                          os.environ["TCPLIFE_WS_VERSION"])
    keys = ["records", "conn_state and history equal", "pkts equal", "split records summed",
            "bytes equal", "duration equal"]
    figures = dict.fromkeys(keys, 0)
    failures, outcome = [], []
    for case in check_zeek.read_cases(zeek_dir):
        f, o = zeek_case(env, zeek_dir, case, figures)
        failures += f
        outcome += o
    judged, n_explained = check_zeek.judge(outcome, explained)
    print("conn.log agreement: " + ", ".join("%s %d" % (k, figures[k]) for k in keys)
          + ", conn_state/history differences explained %d" % n_explained)
    return judged + failures


# ---- zeek-cut: the log's form ----------------------------------------------------

def reference_uid(row, first_ns):
    """docs/reports.md's uid, computed independently of the plugin."""
    h = 0xcbf29ce484222325

    def feed(data):
        nonlocal h
        for byte in data:
            h = ((h ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF

    hosts = [row["id.orig_h"], row["id.resp_h"]]
    packed = [ipaddress.ip_address(a).packed if a != "-" else b"" for a in hosts]
    feed([len(packed[0])])
    for addr, port in zip(packed, [row["id.orig_p"], row["id.resp_p"]]):
        feed(addr)
        feed(int(port).to_bytes(2, "big"))
    feed((first_ns & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big"))
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    out = ""
    for _ in range(11):
        out = digits[h % 62] + out
        h //= 62
    return "T" + out


def zeek_cut_tool():
    return shutil.which("zeek-cut") or shutil.which("bro-cut")


def check_form(name, text, want_fields, want_types, n_streams):
    failures = []
    try:
        header, fields, types, rows = parse_conn(text)
    except ValueError as e:
        return ["%s: %s" % (name, e)]
    order = [line.split("\t")[0].split(" ")[0] for line in text.splitlines() if line.startswith("#")]
    want_order = ["#separator", "#set_separator", "#empty_field", "#unset_field", "#path",
                  "#open", "#fields", "#types", "#close"]
    if order != want_order:
        failures.append("%s: header lines %s, want %s" % (name, order, want_order))
    if header.get("path") != ["conn"] or header.get("unset_field") != ["-"]:
        failures.append("%s: #path %s, #unset_field %s" % (name, header.get("path"), header.get("unset_field")))
    if fields != want_fields or types != want_types:
        failures.append("%s: #fields/#types are not Zeek's:\n%s\n%s" % (name, fields, types))
    if len(rows) != n_streams:
        failures.append("%s: %d rows for %d streams" % (name, len(rows), n_streams))
    for row in rows:
        first_ns = int(row["ts"].replace(".", "")) * 1000   # the corpus is in microseconds
        if not TS.match(row["ts"]) or not UID.match(row["uid"]):
            failures.append("%s: ts %r or uid %r malformed" % (name, row["ts"], row["uid"]))
        elif row["uid"] != reference_uid(row, first_ns):
            failures.append("%s: uid %s, want %s" % (name, row["uid"], reference_uid(row, first_ns)))
    if len({r["uid"] for r in rows}) != len(rows):
        failures.append("%s: uids repeat" % name)
    return failures + check_open_close(name, header, rows)


def log_second(us):
    return time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(us // 1000000))


def check_open_close(name, header, rows):
    """#open is the second of the earliest ts; #close that of the latest
    packet, ts + duration (duration is unset for a one-packet stream, whose
    last packet is its first).  The report reads a brief stream's times from
    its kept segments, the rows from its rebuilt state: they must agree."""
    if not rows:
        return []
    us = [(int(r["ts"].replace(".", "")),
           0 if r["duration"] == "-" else int(r["duration"].replace(".", ""))) for r in rows]
    want = {"open": log_second(min(t for t, _ in us)), "close": log_second(max(t + d for t, d in us))}
    return ["%s: #%s %s, want %s" % (name, k, header.get(k), [v])
            for k, v in want.items() if header.get(k) != [v]]


def check_with_tool(tool, name, text):
    """zeek-cut must pull the same columns out as parse_conn."""
    wanted = ["uid", "id.orig_h", "conn_state", "history", "orig_pkts", "missed_bytes"]
    try:
        want = [[r[c] for c in wanted] for r in parse_conn(text)[3]]
    except ValueError:
        return []       # check_form said why
    out = subprocess.run([tool] + wanted, input=text, stdout=subprocess.PIPE, text=True, check=True).stdout
    got = [line.split("\t") for line in out.splitlines()]
    return [] if got == want else ["%s: %s extracts %s, want %s" % (name, tool, got, want)]


# ---- json -------------------------------------------------------------------------

SEED = {
    "tcplife.stream.conn_state": "SF",
    "tcplife.stream.history": "ShADadFf",
    "tcplife.stream.handshake.rtt": "0.028820000",
    "tcplife.stream.first_data.client": 4,
    "tcplife.stream.first_data.server": 6,
    "tcplife.stream.ttfb": "0.018015000",
    "tcplife.stream.complete": True,
    "tcplife.stream.client": "192.168.64.128:60592",
    "tcplife.stream.teardown.kind": 1,
    "tcplife.stream.teardown.kind_name": "four-way",
}


def json_objects(lines):
    """Each line parsed; numbers with a point kept as their text, to compare
    digits exactly.  Raises ValueError for a line that is no JSON object."""
    objs = []
    for line in lines:
        try:
            json.loads(line)                    # as any reader parses it
            obj = json.loads(line, parse_float=str)
        except json.JSONDecodeError as e:
            raise ValueError("not JSON (%s): %s" % (e, line)) from e
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object: %s" % line)
        objs.append(obj)
    return objs


def check_seed(objs):
    if len(objs) != 1:
        return ["seed: %d objects, want 1" % len(objs)]
    return ["seed: %s is %r, want %r" % (k, objs[0].get(k), v) for k, v in SEED.items()
            if objs[0].get(k) != v]


# The group headings (tcplife.stream.handshake, .options, ...) are strings
# holding a one-line summary of the fields below them (their blurb says so):
# the JSON report carries those fields, not the summaries.
HEADING_BLURB = "The group's summary"


def stream_fields(env):
    """tcplife.stream.* fields with a value of their own (not the headings)."""
    out = env.run(["-G", "fields"]).stdout
    return {c[2] for c in (l.split("\t") for l in out.splitlines())
            if len(c) > 5 and c[0] == "F" and c[2].startswith("tcplife.stream.")
            and c[3] != "FT_NONE" and c[-1] != HEADING_BLURB}


def shown_per_stream(env, capture, names):
    """({index: {field: text}} from tshark -2 -T fields on frames with one TCP
    layer, every index seen on any frame)."""
    names = ["tcplife.stream.index"] + sorted(n for n in names if n != "tcplife.stream.index")
    args = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=\x1f", "-E", "quote=n"]
    for n in names:     # each once: tshark prints a field named twice in one column only
        args += ["-e", n]
    streams, indexes = {}, set()
    for line in env.read(capture, args, two_pass=True).stdout.splitlines():
        cols = line.split("\t")
        indexes |= {int(i) for i in cols[0].split("\x1f") if i}
        if cols[0] and "\x1f" not in cols[0]:
            streams.setdefault(int(cols[0]), {n: v for n, v in zip(names, cols) if v})
    return streams, indexes


def json_text(value):
    """A JSON value as tshark -T fields prints the field."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def check_json(name, objs, shown, indexes, names):
    got_indexes = [o.get("tcplife.stream.index") for o in objs]
    failures = []
    if sorted(got_indexes) != sorted(indexes) or len(set(got_indexes)) != len(got_indexes):
        failures.append("%s: streams %s, want each of %s once" % (name, got_indexes, sorted(indexes)))
    for obj in objs:
        index = obj.get("tcplife.stream.index")
        got = {k: json_text(v) for k, v in obj.items() if not k.endswith("_name")}
        want = {k: normalise_bool(v) for k, v in shown.get(index, {}).items()}
        if got != want:
            failures.append("%s stream %s: JSON and -T fields differ: %s"
                            % (name, index, sorted(set(got.items()) ^ set(want.items()))))
        extra = [k for k in obj if k not in names and not (k.endswith("_name") and k[:-5] in names)]
        if extra:
            failures.append("%s: keys that are no field: %s" % (name, extra))
    return failures


# ---- corpus: both reports on every capture ---------------------------------------------

def both_reports(env, capture, two_pass):
    """(conn.log text, JSON lines) of one tshark run with both reports."""
    out = report(env, capture, "tcplife,conn", two_pass, ["-z", "tcplife,json"])
    lines = out.splitlines()
    return ("\n".join(l for l in lines if not l.startswith("{")) + "\n",
            [l for l in lines if l.startswith("{")])


def check_capture(env, capture, form, names, seed, counts):
    name = os.path.basename(capture)
    is_seed = name == os.path.basename(seed)
    counts["seed"] += is_seed
    conn, objs = both_reports(env, capture, False)
    failures = [] if both_reports(env, capture, True) == (conn, objs) else \
        ["%s: one pass and -2 print different reports" % name]
    shown, indexes = shown_per_stream(env, capture, names)
    failures += check_form(name, conn, form[0], form[1], len(indexes))
    if form[2]:
        failures += check_with_tool(form[2], name, conn)
    try:
        objs = json_objects(objs)
    except ValueError as e:
        return failures + ["%s: %s" % (name, e)]
    failures += check_json(name, objs, shown, indexes, names)
    if is_seed:
        failures += check_seed(objs)
    counts["objects"] += len(objs)
    return failures


def check_corpus(env, baseline, seed, captures):
    _, fields, types, _ = parse_conn(open(baseline, encoding="utf-8").read())
    form = (fields, types, zeek_cut_tool())
    names = stream_fields(env)
    counts = {"objects": 0, "seed": 0}
    failures = []
    for capture in captures:
        failures += check_capture(env, capture, form, names, seed, counts)
    if counts["seed"] != (seed != "-"):
        failures.append("the seed %s is not among the captures" % seed)
    print("corpus: %d captures, %d streams; each JSON object equal to -T fields on %d "
          "tcplife.stream.* fields; conn.log %s" % (len(captures), counts["objects"], len(names),
          "also read by " + form[2] if form[2] else "parsed here (no zeek-cut/bro-cut installed)"))
    return failures


# ---- filter -----------------------------------------------------------------------

def check_filter(env, capture, flt, indexes):
    want = sorted(int(i) for i in indexes)
    objs = json_objects(report(env, capture, "tcplife,json," + flt).splitlines())
    got = [o["tcplife.stream.index"] for o in objs]
    failures = [] if got == want else ["json,%s: streams %s, want %s" % (flt, got, want)]
    everything = {o["tcplife.stream.index"]: o for o in
                  json_objects(report(env, capture, "tcplife,json").splitlines())}
    rows = parse_conn(report(env, capture, "tcplife,conn," + flt))[3]
    got_ends = [(r["id.orig_p"], r["id.resp_p"]) for r in rows]
    want_ends = [tuple(everything[i][k].rsplit(":", 1)[1] for k in
                       ("tcplife.stream.client", "tcplife.stream.server")) for i in want]
    if got_ends != want_ends:
        failures.append("conn,%s: rows %s, want %s" % (flt, got_ends, want_ends))
    return failures


def main(argv):
    mode, args = argv[1], argv[2:]
    with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
        if mode == "zeek":
            failures = check_zeek_dir(env, args[0])
        elif mode == "corpus":
            failures = check_corpus(env, args[0], args[1], args[2:])
        elif mode == "filter":
            failures = check_filter(env, args[0], args[1], args[2:])
        else:
            raise SystemExit("unknown mode " + mode)
    for f in failures:
        print("FAIL:", f)
    print("%s: %s" % (mode, "ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
