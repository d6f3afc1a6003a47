"""The load client's HTTP: one keep-alive connection per simulated person, and what an answer was."""

from __future__ import annotations

import base64
import collections
import json
import socket
import zlib
from urllib.parse import unquote

BUSY_TEXT = "попробуйте ещё раз"


class Client:
    """One keep-alive HTTP/1.1 connection, like one browser, on a bare socket: the load client shares the 2 cores with
    the server, and http.client's header parsing (email.parser) cost it more CPU per request than the whole of this."""

    def __init__(self, port: int):
        self.port, self.sock, self.buffer = port, None, b""

    def send(self, method: str, path: str, cookies: tuple[str, str]) -> tuple[int, str, str]:
        session, csrf = cookies
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: sessionid={session}; csrftoken={csrf}"]
        if method == "POST":
            lines += [f"X-CSRFToken: {csrf}", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 0"]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(request)
                return self._response()
            except OSError:
                # The server closed an idle keep-alive connection: open a new one once, as a browser would.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        found, self.buffer = self.buffer.split(marker, 1)
        return found

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("the server closed the connection")
        self.buffer += chunk

    def _response(self) -> tuple[int, str, str]:
        status_line, *header_lines = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        headers = collections.defaultdict(list)
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()].append(value.strip())
        if "chunked" in ",".join(headers["transfer-encoding"]).lower():
            body = b""
            while size := int(self._read_until(b"\r\n").split(b";", 1)[0], 16):
                body += self._read(size + 2)[:-2]
            self._read_until(b"\r\n")
        else:
            body = self._read(int((headers["content-length"] or ["0"])[0]))
        if "close" in ",".join(headers["connection"]).lower():
            self.close()
        return int(status_line.split(" ", 2)[1]), body.decode("utf-8", "replace"), ", ".join(headers["set-cookie"])


def classify(status: int, text: str, set_cookie: str) -> str:
    """ok (the page answered), busy («попробуйте ещё раз»), refused (a 4xx), or error (5xx)."""
    if status >= 500:
        return "busy" if status == 503 and BUSY_TEXT in text else "error"
    if status in (409, 429):
        return "busy" if BUSY_TEXT in text else "refused"
    if status >= 400:
        return "refused"
    if status in (301, 302, 303) and "messages=" in set_cookie and BUSY_TEXT in messages_text(set_cookie):
        return "busy"  # a redirect carrying the busy message (the page's no-JS answer)
    return "ok"


def messages_text(set_cookie: str) -> str:
    """The texts of Django's messages cookie in a response. Only read, not verified: the load client classifies
    answers and must not spend the CPU it shares with the server on checking the server's signature."""
    value = unquote(set_cookie.split("messages=", 1)[1].split(";", 1)[0].strip('"'))
    payload = value.replace("\\054", ",").replace('\\"', '"').split(":", 1)[0]  # payload:time:signature
    compressed = payload.startswith(".")
    data = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return json.dumps(json.loads(zlib.decompress(data) if compressed else data), ensure_ascii=False)
