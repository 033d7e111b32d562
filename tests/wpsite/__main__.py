"""python -m tests.wpsite [--theme T] [--rest R] [--sitemaps S] [--posts N] [...]: serve until Ctrl-C.

Every field of WpConfig is an option (``--posts-per-page 20``, ``--subfolder /news``, ...).
"""
import argparse
import contextlib
import threading
from collections.abc import Callable
from typing import Any

from . import WpConfig, WpServer, build_wp_site
from .config import CHOICES

PARSERS: dict[str, Callable[[str], Any]] = {
    "int": int, "float": float, "bool": lambda v: v.lower() in ("1", "true", "yes"),
    "tuple[str, ...]": lambda v: tuple(filter(None, v.split(",")))}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.wpsite", description=__doc__)
    for knob in WpConfig.knobs():
        parser.add_argument("--" + knob.name.replace("_", "-"), dest=knob.name, default=knob.default,
                            type=PARSERS.get(knob.type, str), choices=CHOICES.get(knob.name),
                            help=f"default: {knob.default}".replace("%", "%%"))
    parser.add_argument("--port", type=int, default=0)
    options = vars(parser.parse_args())
    port = options.pop("port")
    site = build_wp_site(WpConfig(**options))
    with WpServer(site, port=port) as server, contextlib.suppress(KeyboardInterrupt):
        print(f"WordPress replica serving at {server.base_url}/", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
