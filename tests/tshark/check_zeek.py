#!/usr/bin/python3
"""Compare tcplife's conn_state and history with the conn.log Zeek wrote.

  check_zeek.py ZEEK_DIR

ZEEK_DIR holds cases.tsv, traces/ and baselines/ (tests/zeek, copied from
Zeek's own test suite) and explained.tsv: every difference that remains,
with its reason.  Each TCP record of a baseline is matched to a tcp.stream
by its 4-tuple (either direction), the k-th record of a 4-tuple to the k-th
stream.  The test fails on a difference that is not explained, and on an
explanation that no longer matches a difference (so explanations stay true).
It prints the agreement figures.
"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv, fields  # noqa: E402

FIELDS = ["tcplife.stream.index", "tcplife.stream.client", "tcplife.stream.server",
          "tcplife.stream.conn_state", "tcplife.stream.history"]


def split_endpoint(text):
    """'1.2.3.4:80' or '[::1]:80' -> ('1.2.3.4', '80')."""
    host, _, port = text.rpartition(":")
    return host.strip("[]"), port


def tshark_streams(env, trace, options):
    """{stream: (client, server, conn_state, history)}, final summaries (-2)."""
    streams = {}
    for cols in fields(env, trace, FIELDS, two_pass=True, extra=options):
        if len(cols) < len(FIELDS) or not cols[0]:
            continue
        # A frame with several TCP layers lists each value once per layer.
        for values in zip(*[c.split(",") for c in cols]):
            streams[int(values[0])] = (split_endpoint(values[1]), split_endpoint(values[2]),
                                       values[3], values[4])
    return streams


def zeek_records(path):
    """TCP records of a conn.log, in file order, as dicts."""
    names, records = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                names = line.split("\t")[1:]
            elif line and not line.startswith("#") and names:
                rec = dict(zip(names, line.split("\t")))
                if rec.get("proto") == "tcp":
                    records.append(rec)
    return records


def tshark_options(zeek_options):
    opts = []
    for word in zeek_options.split():
        if word.startswith("ws:"):
            opts += ["-o", word[3:]]
    if "-C" not in zeek_options.split():
        opts += ["-o", "tcp.check_checksum:TRUE"]   # Zeek checked checksums: so do we
    return opts


def compare_case(env, zeek_dir, case, outcome):
    trace = os.path.join(zeek_dir, case["trace"])
    streams = tshark_streams(env, trace, tshark_options(case["zeek_options"]))
    by_tuple = {}
    for index in sorted(streams):
        (c, s, _, _) = streams[index]
        by_tuple.setdefault(frozenset([c, s]), []).append(index)
    used = {}
    for rec in zeek_records(os.path.join(zeek_dir, case["baseline"])):
        orig, resp = (rec["id.orig_h"], rec["id.orig_p"]), (rec["id.resp_h"], rec["id.resp_p"])
        key = frozenset([orig, resp])
        k = used.get(key, 0)
        used[key] = k + 1
        candidates = by_tuple.get(key, [])
        ours = streams[candidates[k]] if k < len(candidates) else None
        label = "%s %s:%s-%s:%s #%d" % (os.path.basename(trace), orig[0], orig[1], resp[0], resp[1], k)
        have_state = ours[2] if ours else "(no stream)"
        have_hist = ours[3] if ours else "(no stream)"
        outcome.append((label, rec["conn_state"], have_state, rec["history"], have_hist))


def applies(versions, ws_version):
    """'*' or '<X.Y' against the Wireshark major.minor under test."""
    if versions == "*":
        return True
    below = tuple(int(x) for x in versions.lstrip("<").split("."))
    return tuple(int(x) for x in ws_version.split(".")) < below


def read_explained(path, ws_version):
    explained = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.reader((l for l in f if l.strip() and not l.startswith("#")), delimiter="\t"):
            if applies(row[3], ws_version):
                explained[row[0]] = (row[1], row[2], row[4])   # ours: conn_state, history; reason
    return explained


def main(zeek_dir):
    with open(os.path.join(zeek_dir, "cases.tsv"), encoding="utf-8") as f:
        cases = list(csv.DictReader(f, delimiter="\t"))
    explained = read_explained(os.path.join(zeek_dir, "explained.tsv"), os.environ["TCPLIFE_WS_VERSION"])
    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    outcome = []
    try:
        for case in cases:
            compare_case(env, zeek_dir, case, outcome)
    finally:
        env.close()

    failures, seen = [], set()
    state_equal = sum(1 for o in outcome if o[1] == o[2])
    hist_equal = sum(1 for o in outcome if o[3] == o[4])
    for label, zstate, state, zhist, hist in outcome:
        if (zstate, zhist) == (state, hist):
            continue
        seen.add(label)
        why = explained.get(label)
        if not why:
            failures.append("%s: Zeek %s %s, tcplife %s %s (not explained)"
                            % (label, zstate, zhist, state, hist))
        elif (why[0], why[1]) != (state, hist):
            failures.append("%s: explained as tcplife %s %s, now %s %s"
                            % (label, why[0], why[1], state, hist))
        else:
            print("explained: %s: Zeek %s %s, tcplife %s %s: %s"
                  % (label, zstate, zhist, state, hist, why[2]))
    for label in sorted(set(explained) - seen):
        failures.append("%s: explained in explained.tsv but no longer differs" % label)
    for f in failures:
        print("FAIL:", f)
    print("Zeek agreement: %d TCP records, conn_state equal %d, history equal %d, "
          "both equal %d, explained differences %d"
          % (len(outcome), state_equal, hist_equal,
             sum(1 for o in outcome if o[1] == o[2] and o[3] == o[4]), len(seen) - len(failures)))
    print("zeek conformance: %d passed, %d failed" % (len(outcome) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
