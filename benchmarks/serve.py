"""A fast server for benchmarks: the replica's pages rendered up front, served by asyncio.

``python benchmarks/serve.py --stories N`` prints ``READY <base url>`` once every page
is in memory, then answers GET requests from a dict with keep-alive, counting them
(``GET /__requests__`` answers the count as text and is not counted).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.replica import build_site


def render_pages(site, base: str) -> dict[str | None, bytes]:
    """Raw HTTP answers for what a crawl of the archive asks for: home, robots, listings, articles."""
    pages, not_found = site.render(base, crawl_only=True)
    answers = {target: raw_answer(page) for target, page in pages.items()}
    answers[None] = raw_answer(not_found)
    return answers


def raw_answer(page) -> bytes:
    status, headers, body = page
    reason = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 500: "Internal Server Error"}.get(status, "OK")
    head = [f"HTTP/1.1 {status} {reason}", *(f"{name}: {value}" for name, value in headers),
            f"Content-Length: {len(body)}", "Connection: keep-alive", "", ""]
    return "\r\n".join(head).encode("latin-1") + body


class Counter:
    requests = 0


async def handle(reader, writer, answers: dict[str | None, bytes]) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            parts = request_line.split(" ")
            target = parts[1] if len(parts) > 1 else "/"
            if target == "/__requests__":
                body = str(Counter.requests).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            else:
                Counter.requests += 1
                writer.write(answers.get(target) or answers[None])
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def serve(sock: socket.socket, answers) -> None:
    server = await asyncio.start_server(lambda r, w: handle(r, w, answers), sock=sock)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--new", type=int, default=0, help="stories added on top after the first READY")
    options = parser.parse_args()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    site = build_site(options.stories, options.seed)
    site.base_url = base
    answers = render_pages(site, base)
    sock.listen(1024)  # connections wait in the backlog until the loop serves them
    print(f"READY {base} {len(answers)}", flush=True)
    loop = asyncio.new_event_loop()

    def add_new_stories() -> None:  # on a line from stdin: publish N newer stories
        sys.stdin.readline()
        site.add_new_stories(options.new, seed=99)
        answers.update(render_pages(site, base))
        print(f"GREW {len(answers)}", flush=True)

    if options.new:
        loop.add_reader(sys.stdin.fileno(), add_new_stories)
    loop.run_until_complete(serve(sock, answers))


if __name__ == "__main__":
    main()
