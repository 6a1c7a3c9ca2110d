#!/usr/bin/python3
"""The plugin built with ASan and UBSan, loaded into the stock tshark, over
every capture: one pass and two passes, with and without -V.

  check_sanitized.py CAPTURE...

TCPLIFE_ASAN_PLUGIN is the sanitized plugin and TCPLIFE_SANITIZER_PRELOAD
the runtimes to preload (tshark itself is not instrumented, so the ASan
runtime must come first).  Any sanitizer report, crash or non-zero exit
fails.  Leak detection is off: tshark does not free everything at exit, and
the plugin's memory lives in Wireshark's wmem scopes.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tshark_env import TsharkEnv  # noqa: E402

REPORT = re.compile(r"AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer")
MODES = [[], ["-2"], ["-V"], ["-2", "-V"]]


def main(captures):
    os.environ["ASAN_OPTIONS"] = "detect_leaks=0:halt_on_error=1:exitcode=86"
    os.environ["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1:exitcode=87"
    env = TsharkEnv(os.environ["TCPLIFE_ASAN_PLUGIN"], os.environ["TCPLIFE_WS_VERSION"],
                    preload=os.environ["TCPLIFE_SANITIZER_PRELOAD"])
    failures, runs = [], 0
    try:
        for capture in captures:
            for mode in MODES:
                proc = env.read(capture, mode, check=False)
                runs += 1
                if proc.returncode != 0 or REPORT.search(proc.stderr):
                    failures.append("%s %s: exit %d\n%s" % (os.path.basename(capture), " ".join(mode),
                                                           proc.returncode, proc.stderr[-3000:]))
    finally:
        env.close()
    for f in failures:
        print("FAIL:", f)
    print("sanitized runs: %d passed, %d failed" % (runs - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
