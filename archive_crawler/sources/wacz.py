"""WACZ: a crawl's WARC records packaged the way web archivists open them (ReplayWeb.page, pywb).

``-s ARCHIVE_WACZ=PATH.wacz`` writes, when the crawl closes, a zip holding its WARC files
(``archive/``, stored uncompressed so players can seek in them), a CDXJ index of every response
(``indexes/index.cdxj``), the article pages with their titles (``pages/pages.jsonl``),
``datapackage.json`` (every file with its sha256 hash and size) and ``datapackage-digest.json``;
under a temporary name, renamed into place when complete. ``-a replay=PATH.wacz`` reads one back.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from archive_crawler import __version__

WACZ_VERSION = "1.1.1"


def surt(url: str) -> str:
    """The sort-friendly form of a URL that CDX indexes use: ``com,example)/path?query``.

    >>> surt("https://www.Example.com/News/Story?b=2")
    'com,example)/news/story?b=2'
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = f"?{parts.query.lower()}" if parts.query else ""
    return f"{','.join(reversed(host.split('.')))}{port}){parts.path.lower() or '/'}{query}"


def cdxj_line(url: str, date: str, fields: dict) -> str:
    """One line of a CDXJ index: the URL's SURT, the 14-digit capture time, the record's fields."""
    stamp = datetime.strptime(date[:19], "%Y-%m-%dT%H:%M:%S").strftime("%Y%m%d%H%M%S")
    return f"{surt(url)} {stamp} {json.dumps({'url': url, **fields}, ensure_ascii=False)}"


def sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
            size += len(block)
    return f"sha256:{digest.hexdigest()}", size


def write_wacz(target: str | Path, warc_files: list[Path], index_lines: list[str], pages: list[dict],
               title: str) -> Path:
    """Package WARC files into a WACZ at ``target``, atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as temporary:
        folder = Path(temporary)
        (folder / "indexes").mkdir()
        (folder / "pages").mkdir()
        (folder / "indexes" / "index.cdxj").write_text("".join(f"{line}\n" for line in sorted(index_lines)),
                                                      encoding="utf-8")
        header = {"format": "json-pages-1.0", "id": "pages", "title": "Article pages"}
        (folder / "pages" / "pages.jsonl").write_text(
            "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in [header, *pages]), encoding="utf-8")
        members = [(path, f"archive/{path.name}") for path in warc_files]
        members += [(folder / "indexes" / "index.cdxj", "indexes/index.cdxj"),
                    (folder / "pages" / "pages.jsonl", "pages/pages.jsonl")]
        resources = []
        for path, name in members:
            digest, size = sha256_of(path)
            resources.append({"name": Path(name).name.lower(), "path": name, "hash": digest, "bytes": size})
        package = {"profile": "data-package", "wacz_version": WACZ_VERSION, "title": title,
                   "created": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
                   "software": f"archive-crawler/{__version__}", "resources": resources}
        package_text = json.dumps(package, indent=2)
        package_digest = {"path": "datapackage.json",
                          "hash": "sha256:" + hashlib.sha256(package_text.encode()).hexdigest()}
        partial = target.with_name(target.name + ".part")
        with zipfile.ZipFile(partial, "w") as archive:
            for path, name in members:
                # WARC files are gzip already: stored, so a player can read a record at its offset.
                compression = zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
                archive.write(path, name, compress_type=compression)
            archive.writestr("datapackage.json", package_text, compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr("datapackage-digest.json", json.dumps(package_digest, indent=2),
                             compress_type=zipfile.ZIP_DEFLATED)
        os.replace(partial, target)
    return target


def unpack_warcs(wacz: str | Path, scratch: str | Path | None = None) -> Path:
    """The WARC files of a WACZ, copied into a temporary folder (in ``scratch``, else the system's temporary
    folder; the caller removes it)."""
    folder = Path(tempfile.mkdtemp(prefix="wacz-", dir=scratch))
    try:
        with zipfile.ZipFile(wacz) as archive:
            for member in archive.infolist():
                name = Path(member.filename)
                if member.filename.startswith("archive/") and not member.is_dir() and name.name:
                    with archive.open(member) as source, open(folder / name.name, "wb") as copy:
                        shutil.copyfileobj(source, copy)
    except (zipfile.BadZipFile, OSError):
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
