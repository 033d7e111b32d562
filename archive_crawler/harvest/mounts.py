"""Which SQLite journal a state may use where it lies: WAL on a local disk, the rollback journal on a network one.

SQLite's WAL mode needs memory shared between the processes that open the database,
which a network filesystem does not give; SQLite documents that WAL does not work
there. A harvest folder on NFS or SMB/CIFS (every worker of a cluster sees it) keeps
its states with the rollback journal (``delete``).
"""

from __future__ import annotations

from pathlib import Path

MOUNTS = Path("/proc/mounts")
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs"})


def unescape(field: str) -> str:
    r"""A path of /proc/mounts, whose spaces and tabs are written as octal escapes.

    >>> unescape(r"/mnt/my\040disk")
    '/mnt/my disk'
    """
    for escaped, character in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escaped, character)
    return field


def filesystem_of(path: Path, mounts_text: str) -> str | None:
    """The type of the filesystem ``path`` lies on, from the text of /proc/mounts (the deepest mount wins).

    >>> mounts = "/dev/sda1 / ext4 rw 0 0\\nserver:/export /srv/harvest nfs4 rw 0 0\\n"
    >>> filesystem_of(Path("/srv/harvest/news"), mounts), filesystem_of(Path("/srv/harvests"), mounts)
    ('nfs4', 'ext4')
    """
    best: tuple[int, str] | None = None
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = Path(unescape(fields[1]))
        if (path == point or point in path.parents) and (best is None or len(point.parts) >= best[0]):
            best = (len(point.parts), fields[2])
    return best[1] if best else None


def journal_mode(folder: Path, mounts: Path = MOUNTS) -> str:
    """``delete`` for a folder on a network filesystem, else ``wal``."""
    try:
        text = mounts.read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux: no /proc/mounts to read
        return "wal"
    kind = filesystem_of(folder.resolve(), text)
    return "delete" if kind in NETWORK_FILESYSTEMS else "wal"
