#!/usr/bin/python3
"""Runs the libFuzzer build of the core harness for a bounded time.

  run_fuzz.py FUZZER SECONDS ARTIFACT_DIR SEED_CORPUS...

New inputs go to a temporary directory (the committed seeds are read only),
crash inputs to ARTIFACT_DIR.  Prints executions and coverage; on a crash
prints the end of libFuzzer's log and each crash input in base64, so a CI
log is enough to reproduce it:

  base64 -d > crash.bin; build/tests/fuzz_core crash.bin
"""
import base64
import os
import re
import subprocess
import sys
import tempfile
import time


def main(fuzzer, seconds, artifacts, seeds):
    os.makedirs(artifacts, exist_ok=True)
    before = set(os.listdir(artifacts))
    with tempfile.TemporaryDirectory(prefix="tcplife-fuzz-") as work:
        args = [fuzzer, "-max_total_time=%d" % int(seconds), "-seed=1", "-max_len=5000",
                "-timeout=10", "-print_final_stats=1", "-artifact_prefix=" + artifacts + "/",
                work] + seeds
        start = time.monotonic()
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace")
        elapsed = time.monotonic() - start
        new_inputs = len(os.listdir(work))
    log = proc.stdout
    execs = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    cov = re.findall(r"cov: (\d+) ft: (\d+)", log)
    print("libFuzzer: %s executions in %.0f s, coverage %s edges / %s features, %d new inputs"
          % (execs.group(1) if execs else "?", elapsed, cov[-1][0] if cov else "?",
             cov[-1][1] if cov else "?", new_inputs))
    crashes = sorted(set(os.listdir(artifacts)) - before)
    if proc.returncode != 0 or crashes:
        print("\n".join(log.splitlines()[-60:]))
        for name in crashes:
            with open(os.path.join(artifacts, name), "rb") as f:
                print("%s (base64): %s" % (name, base64.b64encode(f.read()).decode()))
        print("FAIL: libFuzzer exit %d" % proc.returncode)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]))
