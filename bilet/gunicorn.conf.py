"""gunicorn settings for production: `gunicorn -c bilet/gunicorn.conf.py bilet.wsgi`.

Every value can be changed from the environment without editing this file (see README.md, "Production")."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers (gthread), 2 per core with 8 threads each: the configuration the booking benchmark measured
# fastest on a 2-core machine, for the trivial page and the booking alike (benchmarks/RESULTS.md, "Workers ×
# threads"): a request spends much of its time waiting for PostgreSQL and Redis, and a thread's wait lets another run.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread"
# A report is built by Celery, never in a request; a request that runs this long is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound; jitter keeps them from restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the application once in the master and fork: less memory, faster restarts of workers.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# nginx (or the load balancer) in front sets X-Forwarded-*; trust it only from the addresses given.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
