"""Serve the built site on loopback with the MIME types Pyodide needs.

``python tools/serve.py site`` serves it at http://127.0.0.1:8000/. ``--prefix /project/`` serves it
under a sub-path, as GitHub Pages does for a project site. The tests and the benchmark use
``make_server`` from here, so they see exactly what a reader of ``make serve`` sees.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import mimetypes
import threading
from pathlib import Path

# Without application/wasm, WebAssembly.instantiateStreaming refuses the file and Pyodide stalls.
MIME_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
              ".json": "application/json", ".whl": "application/zip", ".svg": "image/svg+xml",
              ".woff2": "font/woff2", ".zip": "application/zip"}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    mime_overrides: dict = {}

    def guess_type(self, path):
        suffix = Path(str(path)).suffix.lower()
        if suffix in self.mime_overrides:
            return self.mime_overrides[suffix]
        return MIME_TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"

    def translate_path(self, path):
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        elif self.prefix != "/":
            path = "/__outside_prefix__"
        return super().translate_path(path)

    def copyfile(self, source, outputfile):
        super().copyfile(source, outputfile)
        with self.server.counter_lock:
            self.server.bytes_sent += source.tell()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if not self.server.quiet:
            super().log_message(format, *args)


def make_server(root: str | Path, host: str = "127.0.0.1", port: int = 0, prefix: str = "/",
                mime_overrides: dict | None = None, quiet: bool = True) -> http.server.ThreadingHTTPServer:
    """A server for ``root`` (not started). ``port=0`` picks a free port."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (SiteHandler,), {"prefix": prefix, "mime_overrides": mime_overrides or {}})
    server = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))
    server.quiet = quiet
    server.daemon_threads = True
    server.bytes_sent = 0  # body bytes of every file served (read by tools/bench.py)
    server.counter_lock = threading.Lock()
    return server


def serve_in_background(server: http.server.ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", nargs="?", default="site")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--prefix", default="/")
    args = parser.parse_args()
    server = make_server(args.root, args.host, args.port, args.prefix, quiet=False)
    print(f"Serving {args.root} at http://{args.host}:{server.server_port}{args.prefix}  (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
