"""The server under load: gunicorn with the production configuration, in a process group of its own."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time

from . import measure
from .setup import ROOT, SERVER_ENV


def start_server(args) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    command = [
        str(gunicorn if gunicorn.exists() else "gunicorn"), "bilet.wsgi", "-c", "bilet/gunicorn.conf.py",
        "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
        "--max-requests", "0", "--access-logfile", "/dev/null",
    ]
    env = {**os.environ, **SERVER_ENV}
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    measure.SERVER_PGID = server.pid  # its workers' CPU is the web tier's
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                print(f"server: gunicorn, {args.workers} workers × {args.threads} threads, pid {server.pid}")
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
