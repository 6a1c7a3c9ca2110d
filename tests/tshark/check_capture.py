#!/usr/bin/python3
"""Check tcplife's output on a capture, through the real tshark.

  check_capture.py packets CAPTURE EXPECTED.packets.tsv
  check_capture.py streams CAPTURE EXPECTED.streams.tsv
  check_capture.py fields CAPTURE EXPECTED.fields.tsv
  check_capture.py info CAPTURE EXPECTED.packets.tsv
  check_capture.py invariants CAPTURE...
  check_capture.py modes CAPTURE EXPECTED.packets.tsv

File formats: tests/expected/README.md (a streams file's columns are named
in its header row, each one a field of STREAM_COLUMNS below).  Enum names
(phase, sender, kinds) are the plugin's own, from tshark -G values.

The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check
passed; a plugin that did not load is a failure.
"""

import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv, fields, normalise_bool  # noqa: E402

# ---- expert information: which expert summary a packet must carry ----------
#
# The table of docs/LIFECYCLE.md "Expert information" (| expert | severity |
# summary | when |), with each `when` written as a predicate on a packets
# file's row: a packet carries every expert whose `when` holds.  Severity as
# tshark -z expert names its sections.
LIFECYCLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                         "LIFECYCLE.md")

# When each expert summary is expected, from a packets file's row.  The
# experts, severities and summaries themselves are read from the table in
# docs/LIFECYCLE.md "Expert information": a row there without a rule here
# (or a rule without a row) fails every test that uses the table.  None: a
# packets file does not decide it (it needs payload or role facts).
EXPERT_WHEN = {
    ("tcplife.refused", "Connection refused by server"):
        lambda p: p.phase == "reset" and "connection refused" in p.label and p.sender == "server",
    ("tcplife.refused", "Connection refused by client"):
        lambda p: p.phase == "reset" and "connection refused" in p.label and p.sender == "client",
    ("tcplife.aborted", "Connection aborted by server (RST)"):
        lambda p: p.phase == "reset" and "connection aborted" in p.label and p.sender == "server",
    ("tcplife.aborted", "Connection aborted by client (RST)"):
        lambda p: p.phase == "reset" and "connection aborted" in p.label and p.sender == "client",
    ("tcplife.fin_retransmission", "FIN retransmitted: not acknowledged yet"):
        lambda p: p.phase == "teardown" and p.rexmit == "1",
    ("tcplife.syn_retransmission", "SYN retransmitted: no SYN-ACK yet"):
        lambda p: p.phase == "handshake" and p.rexmit == "1" and p.steps == "1",
    ("tcplife.syn_retransmission", "SYN-ACK retransmitted: no ACK yet"):
        lambda p: p.phase == "handshake" and p.rexmit == "1" and p.steps == "2",
    ("tcplife.reset_ignored", "RST the receiver would ignore: injected or stale"):
        lambda p: p.phase == "reset" and "(ignored:" in p.label,
    ("tcplife.reset_ignored",
     "RST the receiver would ignore, after a challenge ACK: injected or stale"):
        lambda p: p.phase == "reset" and "(challenged:" in p.label,
    ("tcplife.data_after_fin", "Data sent after own FIN"): None,
    ("tcplife.midstream", "Capture started mid-stream: roles inferred"): None,
}


def read_expert_table(path=LIFECYCLE):
    """[(expert, severity, summary)] from the docs' expert table."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 4 and cells[0].startswith("`tcplife.") and cells[0].endswith("`"):
                rows.append((cells[0].strip("`"), cells[1], cells[2]))
    return rows


def expert_rules():
    """(expert, severity, summary, when) for each row a packets file decides."""
    table = read_expert_table()
    keys = {(e, summary) for e, _, summary in table}
    if not table or keys != set(EXPERT_WHEN):
        raise SystemExit("docs/LIFECYCLE.md expert table and EXPERT_WHEN disagree: %s"
                         % sorted(keys ^ set(EXPERT_WHEN)))
    return [(e, sev, summary, EXPERT_WHEN[(e, summary)]) for e, sev, summary in table
            if EXPERT_WHEN[(e, summary)] is not None]


EXPERTS = expert_rules()

# ---- per-stream columns: name in a *.streams.tsv header -> tcplife field -----
#
# The one place a streams file's column names are defined.  A file names the
# columns it checks in its header row (`stream` is required: the key); a new
# per-stream field is one line here, and a column only in the files whose
# capture's test checks it.  Values print as tshark -T fields gives them,
# except: a number with value names (tshark -G values) prints as its name, a
# boolean as 1/0, an absent field as "-".
KEY_COLUMN = "stream"
STREAM_COLUMNS = {
    "stream": "tcplife.stream.index",
    "client": "tcplife.stream.client",
    "inferred": "tcplife.stream.roles_inferred",
    "handshake": "tcplife.stream.handshake.kind",
    "initiator": "tcplife.stream.teardown.initiator",
    "teardown": "tcplife.stream.teardown.kind",
    "reset": "tcplife.stream.reset.kind",
    "reset_sender": "tcplife.stream.reset.sender",
    "complete": "tcplife.stream.complete",
    "conn_state": "tcplife.stream.conn_state",
    "history": "tcplife.stream.history",
}

PACKET_FIELDS = ["frame.number", "tcplife.sender", "tcplife.phase", "tcplife.step",
                 "tcplife.retransmission", "tcplife.label"]
# A row of a packets file (and of packet_rows()).
PacketRow = collections.namedtuple("PacketRow", "frame sender phase steps rexmit label")


def named(env, field, raw):
    """A field's printed value as the expected files write it: value names
    from the plugin's registration, booleans as 1/0."""
    return env.value_names(field).get(raw, normalise_bool(raw))


def wireshark_is(condition):
    """A "#! wireshark" line's condition ("any", ">= 4.4", "< 4.4") against
    TCPLIFE_WS_VERSION."""
    if condition == "any":
        return True
    op, version = condition.split()
    have = tuple(int(x) for x in os.environ["TCPLIFE_WS_VERSION"].split("."))
    want = tuple(int(x) for x in version.split("."))
    return have >= want if op == ">=" else have < want


def read_table(path):
    """Rows of a tab-separated expected file, and whether it lists all frames.
    Rows after a "#! wireshark CONDITION" line count only for the Wireshark
    versions it names, up to the next such line (tests/expected/README.md)."""
    rows, all_frames, keep = [], False, True
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#! all-frames"):
                all_frames = True
            if line.startswith("#! wireshark "):
                keep = wireshark_is(line[len("#! wireshark "):].strip())
            if not line.strip() or line.startswith("#") or not keep:
                continue
            rows.append(line.split("\t"))
    return rows, all_frames


def packet_rows(env, capture, two_pass):
    """{frame: (sender, phase, steps, rexmit, label)} as the expected files write them."""
    result = {}
    for cols in fields(env, capture, PACKET_FIELDS, two_pass=two_pass):
        cols += [""] * (len(PACKET_FIELDS) - len(cols))
        frame, sender, phase, steps, rexmit, label = cols[:6]
        if not phase:
            result[frame] = ("-", "-", "-", "-", "-")
            continue
        result[frame] = (named(env, "tcplife.sender", sender), named(env, "tcplife.phase", phase),
                         steps or "-", normalise_bool(rexmit), label)
    return result


def check_packets(env, capture, expected_path):
    expected, all_frames = read_table(expected_path)
    failures = []
    for two_pass in (False, True):
        got = packet_rows(env, capture, two_pass)
        listed = set()
        for row in expected:
            frame, want = row[0], tuple(row[1:6])
            listed.add(frame)
            have = got.get(frame)
            if have != want:
                failures.append("%s frame %s: expected %s, got %s" %
                                ("two-pass" if two_pass else "one-pass", frame, want, have))
        if all_frames:
            for frame in sorted(set(got) - listed, key=int):
                failures.append("frame %s is not listed in %s" % (frame, expected_path))
    return failures


def read_streams(path):
    """(header, rows) of a streams file; the header is its first row that is
    not a comment.  Raises ValueError on a malformed file."""
    rows, _ = read_table(path)
    if not rows:
        raise ValueError("%s: no header row" % path)
    header, rows = rows[0], rows[1:]
    unknown = [c for c in header if c not in STREAM_COLUMNS]
    if unknown:
        raise ValueError("%s: unknown column(s) %s in the header row; known: %s"
                         % (path, ", ".join(unknown), ", ".join(STREAM_COLUMNS)))
    if len(set(header)) != len(header):
        raise ValueError("%s: a column is named twice in the header row" % path)
    if KEY_COLUMN not in header:
        raise ValueError("%s: the header row has no %r column" % (path, KEY_COLUMN))
    for row in rows:
        if len(row) != len(header):
            raise ValueError("%s: %d columns in row %s, the header names %d"
                             % (path, len(row), "\t".join(row), len(header)))
    return header, [dict(zip(header, row)) for row in rows]


def stream_summaries(env, capture, two_pass):
    """{stream: [summary per packet, in order]}; a summary is a tuple of the
    values of every STREAM_COLUMNS column, in its order."""
    names = list(STREAM_COLUMNS)
    key = names.index(KEY_COLUMN)
    per_stream = {}
    for cols in fields(env, capture, [STREAM_COLUMNS[n] for n in names], two_pass=two_pass):
        cols += [""] * (len(names) - len(cols))
        if not cols[key]:
            continue
        values = tuple(named(env, STREAM_COLUMNS[n], raw) if raw != "" else "-"
                       for n, raw in zip(names, cols))
        per_stream.setdefault(values[key], []).append(values)
    return per_stream


def check_streams(env, capture, expected_path):
    try:
        header, expected = read_streams(expected_path)
    except ValueError as error:
        return [str(error)]
    names = list(STREAM_COLUMNS)
    failures = []
    final = stream_summaries(env, capture, two_pass=True)
    one_pass = stream_summaries(env, capture, two_pass=False)
    # On every column, listed in the file or not:
    for stream, summaries in final.items():
        # With -2 every packet shows the final summary.
        if len(set(summaries)) != 1:
            failures.append("stream %s: two-pass summaries differ between packets: %s"
                            % (stream, sorted(set(summaries))))
        # One pass grows packet by packet; its last packet shows the final state.
        if one_pass.get(stream, [None])[-1] != summaries[-1]:
            failures.append("stream %s: one-pass last summary %s != two-pass %s"
                            % (stream, one_pass.get(stream, [None])[-1], summaries[-1]))
    want_streams = {row[KEY_COLUMN] for row in expected}
    for stream in sorted(set(final) - want_streams, key=int):
        failures.append("stream %s is not listed in %s" % (stream, expected_path))
    # On the file's columns:
    for row in expected:
        have = final.get(row[KEY_COLUMN], [None])[-1]
        if have is None:
            failures.append("stream %s: not in the capture" % row[KEY_COLUMN])
            continue
        have = dict(zip(names, have))
        diff = ["%s: expected %s, got %s" % (c, row[c], have[c])
                for c in header if row[c] != have[c]]
        if diff:
            failures.append("stream %s: %s" % (row[KEY_COLUMN], "; ".join(diff)))
    return failures


def check_fields(env, capture, expected_path):
    """Spot checks: pass (1, 2 or *), frame, field, value ("-" = absent)."""
    expected, _ = read_table(expected_path)
    names = sorted({row[2] for row in expected})
    got = {}
    for two_pass in (False, True):
        for cols in fields(env, capture, ["frame.number"] + names, two_pass=two_pass):
            cols += [""] * (len(names) + 1 - len(cols))
            for name, value in zip(names, cols[1:]):
                got[(two_pass, cols[0], name)] = normalise_bool(value) or "-"
    failures = []
    for pass_, frame, name, want in expected:
        for two_pass in {"1": [False], "2": [True], "*": [False, True]}[pass_]:
            have = got.get((two_pass, frame, name))
            if have != want:
                failures.append("%s frame %s %s: expected %s, got %s" % (
                    "two-pass" if two_pass else "one-pass", frame, name, want, have))
    return failures


def short_label(label):
    """The Info column prefix the contract derives from a label:
    'Teardown 2+3/4 (ACK+FIN)' -> '[Teardown 2+3/4]', 'Reset #2 (...)' -> '[Reset #2]'."""
    head = label.split(" (")[0]
    return "[%s]" % (head if head != "Teardown" or "/" in label else "Teardown")


def check_info(env, capture, expected_path):
    """The Info column starts with the short label, and not when the preference is off."""
    expected, _ = read_table(expected_path)
    columns = ["-o", 'gui.column.format:"No.","%m","Info","%i"']
    failures = []
    for pref, want_prefix in (("TRUE", True), ("FALSE", False)):
        out = env.read(capture, columns + ["-o", "tcplife.info_column:" + pref]).stdout
        info = {}
        for line in out.splitlines():
            number, _, rest = line.strip().partition(" ")
            info[number] = rest.strip()
        for row in expected:
            frame, label = row[0], row[5]
            if label == "-":
                continue
            prefix = short_label(label) + " "
            if info.get(frame, "").startswith(prefix) != want_prefix:
                failures.append("info_column %s, frame %s: Info is %r, prefix %r expected %s"
                                % (pref, frame, info.get(frame), prefix,
                                   "first" if want_prefix else "absent"))
    return failures


def _pairs(pairs):
    """JSON object hook that keeps repeated keys (several "tcp" layers)."""
    return pairs


def _keys(obj):
    """All field names below a JSON object built with _pairs."""
    names = set()
    for key, value in obj:
        names.add(key)
        if isinstance(value, list) and value and isinstance(value[0], tuple):
            names |= _keys(value)
    return names


TCP_REQUIRED = {"tcp.stream", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.len"}


def check_layers(env, capture):
    """Every decoded TCP layer outside an ICMP error has exactly one tcplife.phase."""
    out = env.read(capture, ["-T", "json"]).stdout
    failures = []
    for packet in json.loads(out, object_pairs_hook=_pairs):
        layers = dict(packet)["_source"]
        layers = dict(layers)["layers"]
        frame = dict(dict(layers)["frame"])["frame.number"]
        tcp = [obj for key, obj in layers if key == "tcp" and TCP_REQUIRED <= _keys(obj)]
        ours = [obj for key, obj in layers if key == "tcplife"]
        phases = [sum(1 for k in _keys(o) if k == "tcplife.phase") for o in ours]
        if len(ours) != len(tcp) or any(p != 1 for p in phases):
            failures.append("frame %s: %d TCP layers, tcplife layers with phases %s"
                            % (frame, len(tcp), phases))
    return failures


def check_invariants(env, captures):
    failures = []
    for capture in captures:
        one = packet_rows(env, capture, two_pass=False)
        two = packet_rows(env, capture, two_pass=True)
        for frame in sorted(set(one) | set(two), key=int):
            if one.get(frame) != two.get(frame):
                failures.append("%s frame %s: one-pass %s, two-pass %s"
                                % (os.path.basename(capture), frame, one.get(frame), two.get(frame)))
        failures += ["%s %s" % (os.path.basename(capture), f) for f in check_layers(env, capture)]
    return failures


# ---- render modes: what tcplife still gives where it draws less -----------
#
# Into a tree nobody sees and no filter reads (summary lines, -q with taps,
# the first pass of -2) tcplife adds only its expert info; with the
# stream_summary preference off it adds no tcplife.stream.* subtree.  These
# checks hold those shortcuts to the hand-checked packets file.

def expected_experts(rows):
    """From a packets file, by the EXPERTS table: ({(severity, summary): count},
    {expert: [frames]})."""
    counts, frames = {}, {}
    for row in (PacketRow(*r[:6]) for r in rows):
        for expert, severity, summary, when in EXPERTS:
            if when(row):
                counts[(severity, summary)] = counts.get((severity, summary), 0) + 1
                frames.setdefault(expert, []).append(row.frame)
    return counts, frames


# Section titles of tshark -z expert, as EXPERTS names severities.
EXPERT_SECTIONS = {"Errors": "error", "Warns": "warning", "Notes": "note", "Chats": "chat",
                   "Comments": "comment"}


def tcplife_experts(env, capture, two_pass):
    """{(severity, summary): frequency} of tcplife's rows in tshark -q -z expert."""
    out = env.read(capture, ["-q", "-z", "expert"], two_pass=two_pass).stdout
    counts, severity = {}, None
    for line in out.splitlines():
        cols = line.split(None, 3)
        if len(cols) == 2 and cols[0] in EXPERT_SECTIONS and cols[1].startswith("("):
            severity = EXPERT_SECTIONS[cols[0]]
        elif len(cols) == 4 and cols[2] == "TCPLife" and cols[0].isdigit():
            key = (severity, cols[3])
            counts[key] = counts.get(key, 0) + int(cols[0])
    return counts


def summary_frames(env, capture, display_filter, two_pass):
    """Frame numbers of the summary lines a display filter keeps."""
    out = env.read(capture, ["-Y", display_filter], two_pass=two_pass).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def check_modes(env, capture, expected_path):
    rows, _ = read_table(expected_path)
    failures = []
    want, want_frames = expected_experts(rows)
    resets = [r[0] for r in rows if r[2] == "reset"]
    summaries = {summary for _, _, summary, _ in EXPERTS}
    experts_filter = " || ".join(sorted({expert for expert, _, _, _ in EXPERTS}))
    frames = sorted({f for fs in want_frames.values() for f in fs}, key=int)
    for two_pass in (False, True):
        mode = "two-pass" if two_pass else "one-pass"
        # Only the summaries a packets file decides (not mid-stream, data after FIN).
        got = {k: v for k, v in tcplife_experts(env, capture, two_pass).items()
               if k[1] in summaries}
        if got != want:
            failures.append("%s -z expert: expected %s, got %s" % (mode, want, got))
        # The experts as a filter: the frames the table gives them.
        have = summary_frames(env, capture, experts_filter, two_pass)
        if have != frames:
            failures.append("%s -Y %s: expected frames %s, got %s"
                            % (mode, experts_filter, frames, have))
        have = summary_frames(env, capture, 'tcplife.phase == "reset"', two_pass)
        if have != resets:
            failures.append("%s -Y reset: expected frames %s, got %s" % (mode, resets, have))
    # A per-stream filter in an invisible tree keeps the frames the visible
    # tree (-T fields) shows with that value.
    shown = fields(env, capture, ["frame.number", "tcplife.stream.conn_state"], two_pass=True)
    for state in sorted({c[1] for c in shown if len(c) > 1 and c[1]}):
        want_frames = [c[0] for c in shown if len(c) > 1 and c[1] == state]
        have = summary_frames(env, capture, 'tcplife.stream.conn_state == "%s"' % state, True)
        if have != want_frames:
            failures.append("-2 -Y conn_state %s: expected %s, got %s" % (state, want_frames, have))
    # Without the stream summary: the same phases, no tcplife.stream.* at all.
    off = fields(env, capture, ["frame.number", "tcplife.phase", "tcplife.stream.conn_state"],
                 extra=["-o", "tcplife.stream_summary:FALSE"])
    phases = {c[0]: named(env, "tcplife.phase", c[1]) for c in off if len(c) > 1 and c[1]}
    for row in rows:
        if row[2] != "-" and phases.get(row[0]) != row[2]:
            failures.append("stream_summary off, frame %s: phase %s, expected %s"
                            % (row[0], phases.get(row[0]), row[2]))
    if any(len(c) > 2 and c[2] for c in off):
        failures.append("stream_summary off still shows tcplife.stream.conn_state")
    if not want and not resets and not phases:
        failures.append("nothing to check in %s" % expected_path)
    return failures


def main(argv):
    mode, args = argv[1], argv[2:]
    env = TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"])
    try:
        if mode == "packets":
            failures = check_packets(env, args[0], args[1])
        elif mode == "streams":
            failures = check_streams(env, args[0], args[1])
        elif mode == "info":
            failures = check_info(env, args[0], args[1])
        elif mode == "fields":
            failures = check_fields(env, args[0], args[1])
        elif mode == "modes":
            failures = check_modes(env, args[0], args[1])
        elif mode == "invariants":
            failures = check_invariants(env, args)
        else:
            raise SystemExit("unknown mode " + mode)
    finally:
        env.close()
    for f in failures:
        print("FAIL:", f)
    print("%s: %s" % (mode, "ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
