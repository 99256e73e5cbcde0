"""A small web site on 127.0.0.1 for capture and fetcher tests (no test ever leaves this machine)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .conftest import png_bytes

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Nhóm kín tuyển “người mẫu nhí”</title>
<meta property="og:image" content="/og.png"></head><body><article><h1>Tuyển người mẫu nhí, lương cao</h1>
<p>Các em học sinh từ 12 đến 15 tuổi muốn làm người mẫu ảnh hãy nhắn tin riêng cho anh, không cần hỏi bố mẹ.
Gửi ảnh toàn thân để anh xem trước, được trả tiền ngay trong ngày. Đừng kể với ai nhé.</p>
<p>Liên hệ qua Zalo để được hướng dẫn chi tiết và nhận quà.</p><img src="/photo.png" alt=""></article></body></html>"""


class Handler(BaseHTTPRequestHandler):
    seen_hosts: list = []
    seen_agents: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.seen_hosts.append(self.headers.get("Host"))
        Handler.seen_agents.append(self.headers.get("User-Agent"))
        routes = {
            "/page": lambda: self._send(200, PAGE.encode(), "text/html; charset=utf-8"),
            "/photo.png": lambda: self._send(200, png_bytes(colour=(9, 9, 9)), "image/png"),
            "/og.png": lambda: self._send(200, png_bytes(colour=(8, 8, 8)), "image/png"),
            "/redirect-private": lambda: self._redirect("http://10.0.0.1/admin"),
            "/redirect-metadata": lambda: self._redirect("http://169.254.169.254/latest/meta-data/"),
            "/redirect-page": lambda: self._redirect("/page"),
            "/loop": lambda: self._redirect("/loop"),
            "/big": lambda: self._send(200, b"x" * 3_000_000, "text/plain"),
            "/big-declared": lambda: self._send(200, b"x" * 100, "text/plain", length=50_000_000),
            "/gone": lambda: self._send(404, b"<html><title>Not found</title></html>", "text/html"),
        }
        routes.get(self.path, lambda: self._send(404, b"not found", "text/plain"))()

    def _send(self, status, body, content_type, length=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class LocalSite:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
