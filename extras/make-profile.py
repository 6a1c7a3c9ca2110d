#!/usr/bin/python3
"""Build the "tcplife" Wireshark configuration profile as a zip.

  make-profile.py OUT.zip DEFAULT_COLORFILTERS [--unpacked DIR]

OUT.zip holds one folder, tcplife/, with
  preferences   extras/profile/preferences: the Lifecycle and Stream columns
  colorfilters  extras/tcplife.colorfilters, then DEFAULT_COLORFILTERS
                (Wireshark's default rules, /usr/share/wireshark/colorfilters):
                the first rule that matches colours a packet, so tcplife's
                rules go first.
Edit › Configuration Profiles › Import › from zip file (Wireshark 4.0 to
4.6) takes it as it is: like the zips Wireshark exports, it has file
entries only (no directory entries), and every file name is one Wireshark
copies into a profile.  --unpacked DIR also writes DIR/tcplife/ (for tests:
tshark -C tcplife with DIR as the profiles folder).  Entries carry a fixed
date, so the same sources give the same zip.
"""

import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE = "tcplife"
DATE = (2024, 1, 1, 0, 0, 0)


def rules(path):
    """The rule lines of a colorfilters file (comments and blank lines dropped)."""
    with open(path, encoding="utf-8") as f:
        return [line for line in f.read().splitlines() if line.startswith(("@", "!@"))]


def profile_files(defaults):
    with open(os.path.join(HERE, "profile", "preferences"), encoding="utf-8") as f:
        preferences = f.read()
    own = rules(os.path.join(HERE, "tcplife.colorfilters"))
    if not own:
        raise SystemExit("make-profile.py: no rules in extras/tcplife.colorfilters")
    colorfilters = "\n".join(
        ["# tcplife's colouring rules first, then Wireshark's defaults: the first",
         "# matching rule colours a packet."] + own + rules(defaults)) + "\n"
    return {"preferences": preferences, "colorfilters": colorfilters}


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--unpacked"):
        raise SystemExit(__doc__)
    out, defaults = argv[1], argv[2]
    files = profile_files(defaults)
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(PROFILE + "/" + name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text)
    os.replace(tmp, out)
    if len(argv) == 5:
        folder = os.path.join(argv[4], PROFILE)
        os.makedirs(folder, exist_ok=True)
        for name, text in files.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
