"""Is a folder on a network file system? SQLite's WAL mode needs shared memory that a
network share does not give (and many break its file locks): a data home there corrupts
the database silently, so kbapp refuses it (kbapp.home) unless told otherwise.

Linux: the file system type of the longest mount point above the folder in
/proc/mounts. Windows: a UNC path (``\\\\server\\share``) or a drive whose type is
DRIVE_REMOTE (a mapped network drive). Elsewhere nothing is detected.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

NETWORK_FS_TYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "fuse.sshfs", "sshfs", "afs", "ceph", "glusterfs",
    "fuse.glusterfs", "lustre", "gpfs", "ocfs2", "davfs", "fuse.davfs2", "fuse.rclone", "ncpfs", "coda",
    "fuse.s3fs", "fuse.gcsfuse", "vboxsf", "fuse.vmhgfs-fuse",
})
DRIVE_REMOTE = 4


def _unescape_mount(field: str) -> str:
    # /proc/mounts writes a space as \040, a tab as \011, a backslash as \134.
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def linux_network_fs(path: Path, mounts: str) -> str | None:
    """The network file system type holding ``path``, read from /proc/mounts text."""
    best, best_type = "", ""
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape_mount(fields[1]), fields[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type if best_type in NETWORK_FS_TYPES else None


def windows_network_fs(path: str, drive_type: Callable[[str], int]) -> str | None:
    """"UNC path" or "network drive" for a Windows path on a share; None for a local one."""
    win = PureWindowsPath(path)
    if win.drive.startswith(("\\\\", "//")):
        # \\?\C:\ is a local long path; \\?\UNC\server\share is not.
        if win.drive.startswith(("\\\\?\\", "\\\\.\\")) and not win.drive[4:].upper().startswith("UNC"):
            return None
        return "UNC path"
    if win.drive and drive_type(win.drive + "\\") == DRIVE_REMOTE:
        return "network drive"
    return None


def _get_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]  # Windows only


def network_fs(path: os.PathLike | str, *, platform: str | None = None, mounts: str | None = None,
               drive_type: Callable[[str], int] | None = None) -> str | None:
    """The kind of network file system ``path`` is on, or None (local, or not known)."""
    platform = platform or sys.platform
    if platform == "win32":
        return windows_network_fs(str(path), drive_type or _get_drive_type)
    if platform.startswith("linux"):
        if mounts is None:
            try:
                mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
        return linux_network_fs(Path(os.path.realpath(path)), mounts)
    return None
