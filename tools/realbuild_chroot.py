#!/usr/bin/env python3
"""The chroot side of tools/realbuild.py: the debootstrapped base, throw-away overlay copies
of it, the build-essential layer, and running commands inside with a clean environment and a
time bound. Needs root; not part of the installed package."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

BASE_PACKAGES = "python3,python3-venv,python3-pip,ca-certificates"
HEADER_PACKAGES = ("python3-dev", "python3.13-dev", "libpython3-dev", "libpython3.13-dev",
                   "libexpat1-dev", "zlib1g-dev", "libc6-dev", "libc-dev-bin", "libcrypt-dev",
                   "linux-libc-dev")
APT = "DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0"
TAIL_LINES = 25
LAYER_PACKAGES = ("python3-dev", "build-essential")
DPKG_CFG = ("force-unsafe-io\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/doc/*\n"
            "path-include=/usr/share/doc/*/copyright\npath-exclude=/usr/share/locale/*\n")
# The host's CA bundle (it may hold an egress proxy's CA) is copied into each copy for pip
# only; the chroot's own ca-certificates stay as Debian ships them.
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
CHROOT_CA = Path("/etc/ssl/host-ca.crt")
CLEAN_ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
             "LANG=C.UTF-8", "TERM=dumb", "PIP_DISABLE_PIP_VERSION_CHECK=1",
             f"PIP_CERT={CHROOT_CA}", f"SSL_CERT_FILE={CHROOT_CA}",
             f"REQUESTS_CA_BUNDLE={CHROOT_CA}"]


def sh(cmd: list[str], timeout: float | None = None, log: Path | None = None) -> tuple[int, str]:
    """Run a host command in its own process group; kill the whole group on timeout."""
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            rc = -9
        out.seek(0)
        text = out.read()
    if log is not None:
        with log.open("a") as fh:
            seconds = time.monotonic() - start
            fh.write(f"$ {' '.join(cmd)[:400]}\n{text}\n[rc={rc}, {seconds:.1f} s]\n")
    if rc == -9:
        text += f"\n[timed out after {timeout:.0f} s]"
    return rc, text


def tail(text: str, n: int = TAIL_LINES) -> str:
    """The last n non-empty lines of a log."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[-n:])


class Chroot:
    """A throw-away copy of the base chroot, with /proc and the apt cache mounted.

    The copy is an overlay: the base (and any prepared layers) stay read-only below, every
    write lands in the copy's own upper directory, and removing the copy removes only that.
    """

    def __init__(self, root: Path, label: str, log: Path,
                 layers: tuple[Path, ...] = ()) -> None:
        self.lower = [*layers, root / "base"]
        self.top = root / "work" / label
        self.path = self.top / "merged"
        self.cache = root / "apt-cache"
        self.log = log
        self.mounts: list[Path] = []

    def __enter__(self) -> Chroot:
        self.remove()
        for sub in ("upper", "work", "merged"):
            (self.top / sub).mkdir(parents=True)
        self.cache.mkdir(parents=True, exist_ok=True)
        lower = ":".join(str(p) for p in self.lower)
        self._mount(["-t", "overlay", "overlay", "-o", f"lowerdir={lower},upperdir="
                     f"{self.top / 'upper'},workdir={self.top / 'work'}"], self.path)
        shutil.copy("/etc/resolv.conf", self.path / "etc/resolv.conf")
        if HOST_CA.is_file():
            shutil.copy(HOST_CA, self.path / CHROOT_CA.relative_to("/"))
        self._mount(["-t", "proc", "proc"], self.path / "proc")
        self._mount(["--bind", str(self.cache)], self.path / "var/cache/apt/archives")
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def _mount(self, args: list[str], target: Path) -> None:
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *args, str(target)], check=True)
        self.mounts.append(target)

    def unmount(self) -> None:
        """Unmount /proc, the cache and the overlay, innermost first."""
        for target in reversed(self.mounts):
            subprocess.run(["umount", str(target)], check=False)
        self.mounts.clear()
        prefix = str(self.top) + "/"
        with open("/proc/mounts") as fh:
            busy = [ln.split()[1] for ln in fh if ln.split()[1].startswith(prefix)]
        for mount in sorted(busy, reverse=True):
            subprocess.run(["umount", "-l", mount], check=False)

    def remove(self) -> None:
        """Unmount everything below the copy, then delete it (never across a mount)."""
        self.unmount()
        prefix = str(self.top) + "/"
        with open("/proc/mounts") as fh:
            busy = [ln.split()[1] for ln in fh if ln.split()[1].startswith(prefix)]
        if busy:
            raise RuntimeError(f"still mounted below {self.top}: {busy}; not deleting")
        if self.top.exists():
            subprocess.run(["rm", "-rf", "--one-file-system", str(self.top)], check=True)

    def run(self, script: str, timeout: float = 900, env: dict[str, str] | None = None
            ) -> tuple[int, str]:
        """Run a shell script inside the copy."""
        exports = "".join(f"export {k}={shlex_quote(v)}; " for k, v in (env or {}).items())
        return sh(["env", "-i", *CLEAN_ENV, "chroot", str(self.path), "/bin/sh", "-c",
                   f"set -e; {exports}{script}"], timeout=timeout, log=self.log)

    def apt_install(self, packages: list[str]) -> tuple[int, str]:
        """apt-get install exactly these packages (no recommends)."""
        if not packages:
            return 0, ""
        return self.run(f"{APT} install {' '.join(packages)}", timeout=900)


def toolchain_layer(root: Path) -> Path:
    """A layer with python3-dev and build-essential, made once: every apt plan names
    build-essential and every build adds python3-dev, so building on it installs the same
    packages as installing them in each copy, only once."""
    layer = root / "layers" / "build-essential"
    if layer.is_dir():
        return layer
    log = root / "logs" / "layer-build-essential.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    box = Chroot(root, "layer-build-essential", log)
    with box:
        rc, out = box.apt_install(list(LAYER_PACKAGES))
        if rc:
            raise RuntimeError("making the build-essential layer failed:\n" + tail(out))
        box.run("apt-get clean; rm -f /etc/resolv.conf " + str(CHROOT_CA))
        box.unmount()
        layer.parent.mkdir(parents=True, exist_ok=True)
        (box.top / "upper").rename(layer)
    return layer


def shlex_quote(value: str) -> str:
    """Quote a value for /bin/sh."""
    return shlex.quote(value)


def make_base(root: Path, suite: str, mirror: str) -> None:
    """debootstrap the base chroot: python3 and venv/pip, no headers and no compiler."""
    final, tmp = root / "base", root / "base.tmp"
    if final.exists():
        print(f"{final} exists; remove it to rebuild")
        return
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["debootstrap", "--variant=minbase", f"--include={BASE_PACKAGES}", suite,
                    str(tmp), mirror], check=True)
    (tmp / "etc/apt/sources.list").write_text(
        f"deb {mirror} {suite} main\ndeb {mirror} {suite}-updates main\n"
        f"deb http://deb.debian.org/debian-security {suite}-security main\n")
    (tmp / "etc/apt/apt.conf.d/99norecommends").write_text('APT::Install-Recommends "false";\n')
    # Speed only: no fsync per file, no man pages or docs (python:slim drops them too).
    (tmp / "etc/dpkg/dpkg.cfg.d/99realbuild").write_text(DPKG_CFG)
    shutil.copy("/etc/resolv.conf", tmp / "etc/resolv.conf")
    installed = subprocess.run(["chroot", str(tmp), "dpkg-query", "-W", "-f", "${Package}\n"],
                               capture_output=True, text=True, check=True).stdout.split()
    purge = [p for p in HEADER_PACKAGES if p in installed]
    for script in ([f"{APT} purge {' '.join(purge)}"] if purge else []) + [
            f"{APT} autoremove --purge", "apt-get -q update", f"{APT} upgrade", "apt-get clean"]:
        subprocess.run(["chroot", str(tmp), "/bin/sh", "-c", script], check=True)
    (tmp / "etc/resolv.conf").unlink()
    tmp.rename(final)
