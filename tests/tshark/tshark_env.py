"""Run the stock tshark with the freshly built tcplife plugin, never another.

tshark ignores WIRESHARK_PLUGIN_DIR when it runs as root, and CI runs as
root.  So as root every tshark runs as the unprivileged user `nobody`
(setpriv), from a world-readable temporary folder that holds a copy of the
plugin in the <major.minor>/epan layout and copies of the captures (the CI
clone may sit where nobody cannot read).  Creating a TsharkEnv checks with
`tshark -G plugins` that tcplife.so is loaded from that folder, and raises
otherwise: a test can fail for a missing plugin, never pass.
"""

import os
import shutil
import subprocess
import tempfile

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


class PluginNotLoaded(RuntimeError):
    pass


class TsharkEnv:
    def __init__(self, plugin_so, ws_version, tshark="tshark", preload=None):
        self.tshark = tshark
        self.preload = preload
        self.root = tempfile.mkdtemp(prefix="tcplife-test-")
        os.chmod(self.root, 0o755)
        self.plugin_dir = os.path.join(self.root, "plugins")
        epan = os.path.join(self.plugin_dir, ws_version, "epan")
        os.makedirs(epan)
        for d in (self.plugin_dir, os.path.dirname(epan), epan):
            os.chmod(d, 0o755)
        self.staged_so = os.path.join(epan, "tcplife.so")
        shutil.copyfile(plugin_so, self.staged_so)
        os.chmod(self.staged_so, 0o755)
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        os.chmod(self.home, 0o777)
        self.captures = os.path.join(self.root, "captures")
        os.makedirs(self.captures)
        os.chmod(self.captures, 0o755)
        self._values = {}   # protocol -> {field: {number: name}}
        self._check_loaded()

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def stage(self, capture):
        """A world-readable copy of capture; returns its path."""
        dest = os.path.join(self.captures, os.path.basename(capture))
        if not os.path.exists(dest):
            shutil.copyfile(capture, dest)
            os.chmod(dest, 0o644)
        return dest

    def command(self, args):
        env = ["env", "-i", "HOME=" + self.home, "TZ=UTC", "LC_ALL=C.UTF-8",
               "PATH=" + os.environ.get("PATH", "/usr/bin:/bin"),
               "WIRESHARK_PLUGIN_DIR=" + self.plugin_dir]
        if self.preload:
            # WIRESHARK_DEBUG_WMEM_OVERRIDE=simple: one malloc per wmem
            # allocation, so ASan sees the bounds of each (the block
            # allocators carve many objects out of one large block).
            env += ["LD_PRELOAD=" + self.preload, "WIRESHARK_DEBUG_WMEM_OVERRIDE=simple",
                    "ASAN_OPTIONS=" + os.environ.get("ASAN_OPTIONS", ""),
                    "UBSAN_OPTIONS=" + os.environ.get("UBSAN_OPTIONS", "")]
        prefix = NOBODY if os.geteuid() == 0 else []
        return prefix + env + [self.tshark] + list(args)

    def run(self, args, check=True):
        proc = subprocess.run(self.command(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=self.root)
        if check and proc.returncode != 0:
            raise RuntimeError("tshark %s failed (%d):\n%s" %
                               (" ".join(args), proc.returncode, proc.stderr))
        return proc

    def read(self, capture, args, two_pass=False, check=True):
        """tshark -r <staged capture> [-2] args; returns the CompletedProcess."""
        opts = ["-r", self.stage(capture)] + (["-2"] if two_pass else [])
        return self.run(opts + list(args), check=check)

    def value_names(self, field):
        """{str(number): name} of a field's value strings, as the staged plugin
        registers them (tshark -G values lines V<tab>field<tab>number<tab>name);
        {} for a field without.  -G values lists every protocol (~90 MB): it
        runs once per TsharkEnv and protocol, and keeps only that protocol's."""
        proto = field.split(".")[0]
        if proto not in self._values:
            prefix = "V\t%s." % proto
            names = {}
            with subprocess.Popen(self.command(["-G", "values"]), stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, encoding="utf-8", errors="replace",
                                  cwd=self.root) as proc:
                for line in proc.stdout:
                    if line.startswith(prefix):
                        cols = line.rstrip("\n").split("\t")
                        if len(cols) == 4:
                            names.setdefault(cols[1], {})[cols[2]] = cols[3]
            if proc.returncode != 0 or not names:
                raise RuntimeError("tshark -G values failed (%d) or named no %s values"
                                   % (proc.returncode, proto))
            self._values[proto] = names
        return self._values[proto].get(field, {})

    def _check_loaded(self):
        if self.preload:
            # -G plugins also runs every extcap program, which hang with the
            # sanitizer runtime preloaded: ask for the plugin's fields instead.
            out = self.run(["-G", "fields"]).stdout
            if "\ttcplife.phase\t" not in out:
                raise PluginNotLoaded("tshark did not load %s (no tcplife.phase field)"
                                      % self.staged_so)
            return
        out = self.run(["-G", "plugins"]).stdout
        for line in out.splitlines():
            cols = line.split("\t")
            if cols and cols[0].strip() == "tcplife.so":
                if self.staged_so not in line:
                    raise PluginNotLoaded("tcplife.so loaded from elsewhere: " + line)
                return
        raise PluginNotLoaded("tshark did not load %s; tshark -G plugins said:\n%s"
                              % (self.staged_so, out))


def fields(env, capture, names, two_pass=False, extra=()):
    """Rows of -T fields output: one list of column strings per frame."""
    args = ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
            "-E", "aggregator=,", "-E", "quote=n"]
    for name in names:
        args += ["-e", name]
    out = env.read(capture, args + list(extra), two_pass=two_pass).stdout
    return [line.split("\t") for line in out.splitlines()]


def normalise_bool(value):
    """Booleans print as 1/0 in 4.0 and True/False from 4.2 on: compare as 1/0."""
    return {"True": "1", "False": "0"}.get(value, value)
