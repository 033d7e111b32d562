"""python -m tests.replica [--stories N] [--seed S] [--variant V] [--port P]: serve until Ctrl-C."""
import argparse
import threading

from . import ReplicaServer, build_site


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.replica", description=__doc__)
    parser.add_argument("--stories", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--variant", type=int, default=0, choices=(0, 1, 2, 3, 4),
                        help="markup choices: 0 the original, 1 the alternative (tests/replica/variant1.py), "
                             "2 a third set (tests/replica/variant2.py), 3 variant 2 plus more (tests/replica/variant3.py), "
                             "4 variant 0 with other navigation markup (tests/replica/variant4.py)")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ReplicaServer(build_site(args.stories, args.seed, args.variant), port=args.port).start()
    print(f"Replica of the archive serving at {server.base_url}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
