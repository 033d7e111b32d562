"""A real WordPress (Debian's package) served by PHP's built-in server for the tests.

Each site gets its own folder: copies of WordPress's top-level scripts (PHP resolves ``__DIR__``
through symbolic links, so they cannot be links), links to ``wp-admin`` and ``wp-includes``, its
own ``wp-config.php``, and its own ``wp-content`` with the packaged themes linked in, its
must-use plugins and its uploads. Its database lives in the session's MariaDB.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

from tests.crawl import free_port

from . import content
from .mariadb import MariaDB, stop_group

WORDPRESS = Path("/usr/share/wordpress")
THEMES = WORDPRESS / "wp-content" / "themes"
HERE = Path(__file__).resolve().parent
PHP_SCRIPTS = HERE / "php"
MU_PLUGINS = HERE / "mu-plugins"
PERMALINKS = {"pretty": "/%year%/%monthnum%/%postname%/", "plain": ""}
# The cheapest door each site leaves open, and the must-use plugins that close the cheaper ones.
DOOR_PLUGINS = {"rest": (), "sitemaps": ("rest-closed",), "listings": ("rest-closed", "sitemaps-off")}
TIMEZONE = "Europe/Berlin"  # summer time starts in the posts' months: two offsets
PHP_WORKERS = 4


@dataclass(frozen=True)
class Instance:
    """How one test WordPress is set up."""

    name: str
    theme: str  # twentytwentyone, twentytwentytwo or twentytwentythree
    door: str  # the cheapest door left open: rest, sitemaps or listings
    permalinks: str = "pretty"  # pretty (/%year%/%monthnum%/%postname%/) or plain (/?p=ID)
    folder: str = ""  # the install folder under the host's root, like /news; "" for the root
    posts: int = 40  # published posts
    crawl_delay: float | None = None  # robots.txt's Crawl-delay (served at a root install with pretty links)
    menu: str = ""  # a classic menu (shown by classic themes) of the sections: "links" to them, or "query" links (/?cat=N)
    widgets: bool = True  # WordPress's default widgets (categories, archives, recent posts...) in classic themes
    # The permalink settings' category and tag bases ("topics": /topics/politics/); "" for WordPress's
    # /category/ and /tag/.
    category_base: str = ""
    tag_base: str = ""
    seed: int = 1

    @property
    def mu_plugins(self) -> tuple[str, ...]:
        return ("quiet", *DOOR_PLUGINS[self.door], *(("crawl-delay",) if self.crawl_delay else ()))

    @property
    def database(self) -> str:
        return "wp_" + "".join(c if c.isalnum() else "_" for c in self.name)


def missing_software() -> list[str]:
    """What this machine lacks to run a test WordPress (empty when nothing)."""
    missing = [program for program in ("php", "mariadbd", "mariadb-install-db", "mariadb") if not shutil.which(program)]
    missing += [str(path) for path in (WORDPRESS / "wp-settings.php", *(THEMES / theme for theme in
                (("twentytwentyone", "twentytwentytwo", "twentytwentythree")))) if not path.exists()]
    if shutil.which("php"):
        modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
        missing += [package for module, package in (("mysqli", "php-mysql"), ("SimpleXML", "php-xml"))
                    if module not in modules]
    return missing


class WordPressSite:
    """``instance`` installed, filled and served from ``folder``, its database in ``database``,
    between ``start`` and ``stop``. ``truth`` is what WordPress holds once filled (``php/truth.php``),
    also written to ``truth.json`` in ``folder``."""

    def __init__(self, instance: Instance, database: MariaDB, folder: Path, opcache: Path | None = None):
        self.instance, self.database, self.folder = instance, database, folder
        # PHP's compiled scripts, kept in files that every PHP process of the session shares.
        self.opcache = opcache or folder / "opcache"
        self.root = folder / "htdocs"  # what the server serves; WordPress is in its install folder
        self.wordpress = self.root / instance.folder.strip("/") if instance.folder else self.root
        self.requests_log = folder / "requests.log"
        self.server_log = folder / "php-server.log"
        self.port = 0
        self.truth: dict = {}
        self._server: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """Where WordPress lives: the host root plus the install folder, no trailing slash."""
        return f"http://127.0.0.1:{self.port}{self.instance.folder}"

    def start(self) -> Self:
        self.opcache.mkdir(parents=True, exist_ok=True)
        self.build()
        self.serve()
        self.write_settings()
        self.php("install.php")
        self.php("populate.php")
        self.truth = json.loads(self.php("truth.php"))
        (self.folder / "truth.json").write_text(json.dumps(self.truth, indent=1, ensure_ascii=False))
        self.requests_log.write_text("")
        return self

    def build(self) -> None:
        """The install folder: WordPress's scripts, its own configuration and content folder."""
        self.wordpress.mkdir(parents=True)
        for script in WORDPRESS.glob("*.php"):
            if script.name != "wp-config.php":  # Debian's reads /etc/wordpress
                shutil.copy(script, self.wordpress / script.name)
        for shared in ("wp-admin", "wp-includes"):
            (self.wordpress / shared).symlink_to(WORDPRESS / shared)
        content_folder = self.wordpress / "wp-content"
        for sub in ("themes", "mu-plugins", "uploads", "plugins"):
            (content_folder / sub).mkdir(parents=True)
        for theme in THEMES.iterdir():
            (content_folder / "themes" / theme.name).symlink_to(theme)
        for plugin in self.instance.mu_plugins:
            shutil.copy(MU_PLUGINS / f"{plugin}.php", content_folder / "mu-plugins")

    def serve(self, attempts: int = 5) -> None:
        """PHP's built-in server on a free port of 127.0.0.1, in a process group of its own."""
        environment = {**os.environ, "PHP_CLI_SERVER_WORKERS": str(PHP_WORKERS), "WP_FOLDER": self.instance.folder,
                       "WP_REQUEST_LOG": str(self.requests_log)}
        for _ in range(attempts):
            self.port = free_port()
            log = open(self.server_log, "ab")
            self._server = subprocess.Popen(
                ["php", *self.php_options(), "-d", "display_errors=0", "-d", "log_errors=1",
                 "-S", f"127.0.0.1:{self.port}", "-t", str(self.root), str(PHP_SCRIPTS / "router.php")],
                stdout=log, stderr=subprocess.STDOUT, env=environment, start_new_session=True)
            log.close()
            if wait_for_port(self.port, self._server):
                return
            self.stop()  # the port was taken in the meantime: another
        raise RuntimeError(f"PHP's built-in server did not start: {self.server_log.read_text(errors='replace')[-2000:]}")

    def write_settings(self) -> None:
        """``wp-config.php``, and the JSON settings file the command-line scripts read."""
        constants = {
            "DB_NAME": self.database.create_database(self.instance.database), "DB_USER": "root", "DB_PASSWORD": "",
            "DB_HOST": self.database.wordpress_host, "DB_CHARSET": "utf8mb4", "DB_COLLATE": "",
            "WP_HOME": self.base_url, "WP_SITEURL": self.base_url,
            "WP_CONTENT_DIR": str(self.wordpress / "wp-content"), "WP_CONTENT_URL": self.base_url + "/wp-content",
            "DISABLE_WP_CRON": True, "WP_HTTP_BLOCK_EXTERNAL": True, "AUTOMATIC_UPDATER_DISABLED": True,
            "WP_DEBUG": False, "ARCHIVE_TEST_CRAWL_DELAY": self.instance.crawl_delay or 0,
            **{f"{kind}_{use}": f"test-{kind.lower()}-{use.lower()}-{self.instance.name}"
               for kind in ("AUTH", "SECURE_AUTH", "LOGGED_IN", "NONCE") for use in ("KEY", "SALT")},
        }
        lines = ["<?php", "// A test site's settings.", *(f"define({php_value(name)}, {php_value(value)});"
                                                           for name, value in constants.items()),
                 "$table_prefix = 'wp_';",
                 "if (!defined('ABSPATH')) { define('ABSPATH', __DIR__ . '/'); }",
                 "require_once ABSPATH . 'wp-settings.php';", ""]
        (self.wordpress / "wp-config.php").write_text("\n".join(lines))
        settings = {
            "wordpress": str(self.wordpress), "home": self.base_url, "title": f"The {self.instance.name} Courier",
            "tagline": "News from the harbour towns", "timezone": TIMEZONE, "theme": self.instance.theme,
            "permalink_structure": PERMALINKS[self.instance.permalinks], "menu": self.instance.menu,
            "widgets": self.instance.widgets, "category_base": self.instance.category_base,
            "tag_base": self.instance.tag_base,
            "plan": content.plan(self.instance.posts, self.instance.seed),
        }
        (self.folder / "site.json").write_text(json.dumps(settings))

    def php(self, script: str) -> str:
        """Run one of the command-line scripts on this site; what it printed."""
        completed = subprocess.run(
            ["php", *self.php_options(), "-d", "display_errors=stderr", "-d", "memory_limit=512M", str(PHP_SCRIPTS / script),
             str(self.folder / "site.json")], capture_output=True, text=True, timeout=300)
        if completed.returncode != 0 or "Fatal error" in completed.stderr:
            raise RuntimeError(f"{script} failed for {self.instance.name} ({completed.returncode}):\n"
                               f"{completed.stderr[-3000:]}{completed.stdout[-2000:]}")
        return completed.stdout

    def php_options(self) -> list[str]:
        return ["-d", "opcache.enable=1", "-d", "opcache.enable_cli=1", "-d", f"opcache.file_cache={self.opcache}"]

    def requests(self) -> list[str]:
        """The request targets (path and query) the site answered since it was filled, in order."""
        return [target for _, target in self.timed_requests()]

    def timed_requests(self) -> list[tuple[float, str]]:
        """(when, target) of each request the site answered since it was filled, in order."""
        lines = self.requests_log.read_text().splitlines() if self.requests_log.exists() else []
        return [(float(when), target) for when, _, target in (line.partition(" ") for line in lines)]

    def stop(self) -> None:
        if self._server is not None:
            stop_group(self._server)
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def php_value(value) -> str:
    r"""A Python value as a PHP literal (strings single-quoted).

    >>> [php_value(value) for value in (True, 0.2, "it's", "C:\\dir")]
    ['true', '0.2', "'it\\'s'", "'C:\\\\dir'"]
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 10) -> bool:
    """Wait until something accepts connections on ``port``; False when ``process`` ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.02)
    return False
