#!/usr/bin/python3
"""Check tcplife's output on a capture, through the real tshark.

  check_capture.py packets CAPTURE EXPECTED.packets.tsv
  check_capture.py streams CAPTURE EXPECTED.streams.tsv
  check_capture.py fields CAPTURE EXPECTED.fields.tsv
  check_capture.py info CAPTURE EXPECTED.packets.tsv
  check_capture.py invariants CAPTURE...
  check_capture.py modes CAPTURE EXPECTED.packets.tsv

The plugin and Wireshark version come from TCPLIFE_PLUGIN and
TCPLIFE_WS_VERSION (set by ctest).  Exit status 0 only when every check
passed; a plugin that did not load is a failure.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv, fields, normalise_bool  # noqa: E402

PHASES = {"1": "handshake", "2": "transfer", "3": "teardown", "4": "reset"}
ROLES = {"1": "client", "2": "server"}
HANDSHAKE_KINDS = {"1": "three-way", "2": "simultaneous", "3": "incomplete", "4": "not-seen"}
INITIATORS = {"1": "client", "2": "server", "3": "both"}
TEARDOWN_KINDS = {"0": "none", "1": "four-way", "2": "three-way", "3": "simultaneous",
                  "4": "half-closed", "5": "reset"}
RESET_KINDS = {"1": "refused", "2": "abort", "3": "after-close"}

PACKET_FIELDS = ["frame.number", "tcplife.sender", "tcplife.phase", "tcplife.step",
                 "tcplife.retransmission", "tcplife.label"]

STREAM_FIELDS = [
    ("stream", "tcplife.stream.index", None),
    ("client", "tcplife.stream.client", None),
    ("inferred", "tcplife.stream.roles_inferred", "bool"),
    ("handshake", "tcplife.stream.handshake.kind", HANDSHAKE_KINDS),
    ("initiator", "tcplife.stream.teardown.initiator", INITIATORS),
    ("teardown", "tcplife.stream.teardown.kind", TEARDOWN_KINDS),
    ("reset", "tcplife.stream.reset.kind", RESET_KINDS),
    ("reset_sender", "tcplife.stream.reset.sender", ROLES),
    ("complete", "tcplife.stream.complete", "bool"),
    ("conn_state", "tcplife.stream.conn_state", None),
    ("history", "tcplife.stream.history", None),
]


def read_table(path):
    """Rows of a tab-separated expected file, and whether it lists all frames."""
    rows, all_frames = [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#! all-frames"):
                all_frames = True
            if not line.strip() or line.startswith("#"):
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
        result[frame] = (ROLES.get(sender, sender), PHASES.get(phase, phase), steps or "-",
                         normalise_bool(rexmit), label)
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


def stream_summaries(env, capture, two_pass):
    """{stream: [summary per packet, in order]}; a summary is a tuple of names."""
    names = [f for _, f, _ in STREAM_FIELDS]
    per_stream = {}
    for cols in fields(env, capture, names, two_pass=two_pass):
        cols += [""] * (len(names) - len(cols))
        if not cols[0]:
            continue
        values = []
        for (label, _, mapping), raw in zip(STREAM_FIELDS, cols):
            if mapping == "bool":
                raw = normalise_bool(raw)
            elif isinstance(mapping, dict):
                raw = mapping.get(raw, raw)
            values.append(raw if raw != "" else "-")
        per_stream.setdefault(values[0], []).append(tuple(values))
    return per_stream


def check_streams(env, capture, expected_path):
    expected, _ = read_table(expected_path)
    failures = []
    final = stream_summaries(env, capture, two_pass=True)
    one_pass = stream_summaries(env, capture, two_pass=False)
    for stream, summaries in final.items():
        # With -2 every packet shows the final summary.
        if len(set(summaries)) != 1:
            failures.append("stream %s: two-pass summaries differ between packets: %s"
                            % (stream, sorted(set(summaries))))
        # One pass grows packet by packet; its last packet shows the final state.
        if one_pass.get(stream, [None])[-1] != summaries[-1]:
            failures.append("stream %s: one-pass last summary %s != two-pass %s"
                            % (stream, one_pass.get(stream, [None])[-1], summaries[-1]))
    want_streams = {row[0] for row in expected}
    for stream in sorted(set(final) - want_streams, key=int):
        failures.append("stream %s is not listed in %s" % (stream, expected_path))
    for row in expected:
        have = final.get(row[0], [None])[-1]
        if have != tuple(row):
            cols = [c for c, _, _ in STREAM_FIELDS]
            diff = [("%s: expected %s, got %s" % (c, w, h))
                    for c, w, h in zip(cols, row, have or [None] * len(cols)) if w != h]
            failures.append("stream %s: %s" % (row[0], "; ".join(diff)))
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

EXPERT_SUMMARIES = ("Connection refused", "Connection aborted by RST", "FIN retransmitted",
                    "SYN retransmitted", "SYN-ACK retransmitted")


def expected_experts(rows):
    """The expert summaries LIFECYCLE.md asks for, counted from a packets file."""
    counts = {}
    for frame, sender, phase, steps, rexmit, label in (r[:6] for r in rows):
        summary = None
        if phase == "reset" and "connection refused" in label:
            summary = "Connection refused"
        elif phase == "reset" and "connection aborted" in label:
            summary = "Connection aborted by RST"
        elif phase == "teardown" and rexmit == "1":
            summary = "FIN retransmitted"
        elif phase == "handshake" and rexmit == "1" and steps in ("1", "2"):
            summary = "SYN retransmitted" if steps == "1" else "SYN-ACK retransmitted"
        if summary:
            counts[summary] = counts.get(summary, 0) + 1
    return counts


def tcplife_experts(env, capture, two_pass):
    """{summary: frequency} of tcplife's rows in tshark -q -z expert."""
    out = env.read(capture, ["-q", "-z", "expert"], two_pass=two_pass).stdout
    counts = {}
    for line in out.splitlines():
        cols = line.split(None, 3)
        if len(cols) == 4 and cols[2] == "TCPLife" and cols[0].isdigit():
            counts[cols[3]] = counts.get(cols[3], 0) + int(cols[0])
    return counts


def summary_frames(env, capture, display_filter, two_pass):
    """Frame numbers of the summary lines a display filter keeps."""
    out = env.read(capture, ["-Y", display_filter], two_pass=two_pass).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def check_modes(env, capture, expected_path):
    rows, _ = read_table(expected_path)
    failures = []
    want = expected_experts(rows)
    resets = [r[0] for r in rows if r[2] == "reset"]
    for two_pass in (False, True):
        mode = "two-pass" if two_pass else "one-pass"
        # Only the summaries a packets file decides (not mid-stream, data after FIN).
        got = {k: v for k, v in tcplife_experts(env, capture, two_pass).items()
               if k in EXPERT_SUMMARIES}
        if got != want:
            failures.append("%s -z expert: expected %s, got %s" % (mode, want, got))
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
    phases = {c[0]: PHASES.get(c[1], c[1]) for c in off if len(c) > 1 and c[1]}
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
