"""Serve the built site on loopback the way GitHub Pages does.

``python tools/serve.py site`` serves it at http://127.0.0.1:8000/. ``--prefix /project/`` serves it
under a sub-path, as GitHub Pages does for a project site. Like Pages it sends the MIME types
Pyodide needs, gzip for text and WebAssembly when the browser accepts it, ``Cache-Control:
max-age=600``, and the site's own 404 page. The tests and the benchmark use ``make_server`` from
here, so they see what a reader of ``make serve`` (and of the published site) sees.
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import gzip
import http.server
import io
import mimetypes
import os
import threading
from pathlib import Path

# Without application/wasm, WebAssembly.instantiateStreaming refuses the file and Pyodide stalls.
MIME_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
              ".json": "application/json", ".whl": "application/zip", ".svg": "image/svg+xml",
              ".woff2": "font/woff2", ".zip": "application/zip"}


#: Content types compressed on the way out (GitHub Pages compresses these too).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/wasm", "application/xml")
CACHE_CONTROL = "max-age=600"  # what GitHub Pages sends

_GZIP_CACHE: dict = {}
_GZIP_LOCK = threading.Lock()


def gzipped(path: Path, body: bytes) -> bytes:
    """The file compressed once per version (the 10 MB wasm is not recompressed per request)."""
    key = (str(path), path.stat().st_mtime_ns)
    with _GZIP_LOCK:
        if key not in _GZIP_CACHE:
            _GZIP_CACHE[key] = gzip.compress(body, compresslevel=6, mtime=0)
        return _GZIP_CACHE[key]


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    mime_overrides: dict = {}

    def send_head(self):
        with self.server.counter_lock:
            self.server.requests.append((self.command, self.path.split("?", 1)[0]))
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                self.send_response(301)
                location = self.path.split("?", 1)
                self.send_header("Location", location[0] + "/" + ("?" + location[1] if len(location) > 1 else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            path = path / "index.html"
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
            if not path.is_file():
                self.send_error(404, "File not found")
                return None
        body = path.read_bytes()
        content_type = self.guess_type(path)
        encoding = None
        if ("gzip" in self.headers.get("Accept-Encoding", "")
                and content_type.startswith(COMPRESSIBLE) and len(body) > 1024):
            body, encoding = gzipped(path, body), "gzip"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", email.utils.formatdate(os.path.getmtime(path), usegmt=True))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        return io.BytesIO(body)

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
    server.requests = []  # (method, path) of every request answered (read by the browser tests)
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
