#!/usr/bin/python3
"""The built plugin loads into tshark, from the staged folder, with all its fields.

Fails when tshark does not list tcplife.so from our staging folder
(TsharkEnv raises), or when a contract field is missing from -G fields.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402

CONTRACT_FIELDS = [
    "tcplife.phase", "tcplife.step", "tcplife.sender", "tcplife.retransmission",
    "tcplife.label", "tcplife.stream.roles_inferred", "tcplife.stream.conn_state",
    "tcplife.stream.history", "tcplife.stream.complete", "tcplife.stream.handshake.kind",
    "tcplife.stream.handshake.rtt", "tcplife.stream.teardown.initiator",
    "tcplife.stream.teardown.kind", "tcplife.stream.reset.kind", "tcplife.stream.reset.sender",
]

with TsharkEnv(os.environ["TCPLIFE_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"]) as env:
    registered = {line.split("\t")[2] for line in env.run(["-G", "fields"]).stdout.splitlines()
                  if line.startswith("F\t")}
    missing = [f for f in CONTRACT_FIELDS if f not in registered]
    plugins = [line for line in env.run(["-G", "plugins"]).stdout.splitlines() if "tcplife" in line]
print("loaded:", plugins[0] if plugins else "-")
failures = ["field %s is not registered" % f for f in missing]
# -G plugins: name, version, type, path.
version = plugins[0].split("\t")[1].strip() if plugins else None
if version != os.environ["TCPLIFE_VERSION"]:
    failures.append("tshark -G plugins lists version %s, expected %s"
                    % (version, os.environ["TCPLIFE_VERSION"]))
for f in failures:
    print("FAIL:", f)
print("plugin loaded: %d passed, %d failed" % (len(CONTRACT_FIELDS) + 1 - len(failures), len(failures)))
sys.exit(1 if failures else 0)
