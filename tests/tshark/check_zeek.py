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

check_outputs.py (-z tcplife,conn against the same baselines) reuses the
matching (match_records), the explanations (read_explained, judge) and the
cases (read_cases, tshark_options).
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


def tuple_key(orig, resp):
    """A 4-tuple of (host, port) pairs, either direction."""
    return frozenset([orig, resp])


def match_records(trace, baseline, ours):
    """Pair each TCP record of a Zeek conn.log with one of our connections.

    ours: [(orig, resp, value)] in tcp.stream order, orig and resp as (host, port).
    The k-th record of a 4-tuple (either direction) goes with the k-th of ours.
    Returns [(label, record, value or None)] in the baseline's order; the
    label is the one explained.tsv uses."""
    by_tuple, used, pairs = {}, {}, []
    for orig, resp, value in ours:
        by_tuple.setdefault(tuple_key(orig, resp), []).append(value)
    for rec in zeek_records(baseline):
        orig, resp = (rec["id.orig_h"], rec["id.orig_p"]), (rec["id.resp_h"], rec["id.resp_p"])
        key = tuple_key(orig, resp)
        k = used.get(key, 0)
        used[key] = k + 1
        candidates = by_tuple.get(key, [])
        label = "%s %s:%s-%s:%s #%d" % (os.path.basename(trace), orig[0], orig[1], resp[0], resp[1], k)
        pairs.append((label, rec, candidates[k] if k < len(candidates) else None))
    return pairs


def compare_case(env, zeek_dir, case, outcome):
    trace = os.path.join(zeek_dir, case["trace"])
    streams = tshark_streams(env, trace, tshark_options(case["zeek_options"]))
    ours = [(c, s, (state, hist)) for (c, s, state, hist) in (streams[i] for i in sorted(streams))]
    for label, rec, have in match_records(trace, os.path.join(zeek_dir, case["baseline"]), ours):
        have = have or ("(no stream)", "(no stream)")
        outcome.append((label, rec["conn_state"], have[0], rec["history"], have[1]))


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


def read_cases(zeek_dir):
    with open(os.path.join(zeek_dir, "cases.tsv"), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def judge(outcome, explained):
    """Check each (label, Zeek conn_state, ours, Zeek history, ours) against
    explained.tsv; prints the explained ones.  Returns (failures, number
    explained)."""
    failures, seen = [], set()
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
    return failures, len(seen) - len(failures)


def main(zeek_dir):
    cases = read_cases(zeek_dir)
    explained = read_explained(os.path.join(zeek_dir, "explained.tsv"), os.environ["TCPLIFE_WS_VERSION"])
    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    outcome = []
    try:
        for case in cases:
            compare_case(env, zeek_dir, case, outcome)
    finally:
        env.close()

    failures, n_explained = judge(outcome, explained)
    state_equal = sum(1 for o in outcome if o[1] == o[2])
    hist_equal = sum(1 for o in outcome if o[3] == o[4])
    for f in failures:
        print("FAIL:", f)
    print("Zeek agreement: %d TCP records, conn_state equal %d, history equal %d, "
          "both equal %d, explained differences %d"
          % (len(outcome), state_equal, hist_equal,
             sum(1 for o in outcome if o[1] == o[2] and o[3] == o[4]), n_explained))
    print("zeek conformance: %d passed, %d failed" % (len(outcome) - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
