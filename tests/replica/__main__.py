"""python -m tests.replica [--stories N] [--seed S] [--variant V] [--site archive|ledger] [--port P]:
serve until Ctrl-C."""
import argparse
import threading

from . import ReplicaServer, build_ledger_site, build_site
from .ledger import LedgerSite
from .site import Site


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.replica", description=__doc__)
    parser.add_argument("--stories", type=int, default=None, help="stories (archive: 120, ledger: 48)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--variant", type=int, default=0, choices=(0, 1, 2, 3, 4),
                        help="the archive's markup choices (tests/replica/variants.py): 0 the original, 1 other "
                             "WordPress/Divi choices, 2 a third set, 3 variant 2 plus more, 4 variant 0 with other "
                             "navigation")
    parser.add_argument("--site", choices=("archive", "ledger"), default="archive",
                        help="ledger: The Harbour Ledger, a small news site that is not WordPress")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    site: Site | LedgerSite
    if args.site == "ledger":
        site, name = build_ledger_site(args.stories or 48, args.seed), "The Harbour Ledger"
    else:
        site, name = build_site(args.stories or 120, args.seed, args.variant), "the archive"
    server = ReplicaServer(site, port=args.port).start()
    print(f"Replica of {name} serving at {server.base_url}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
