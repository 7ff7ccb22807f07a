"""Gunicorn's settings for production: ``gunicorn -c config/gunicorn_conf.py`` (README).

Each value can be changed from the environment (``GUNICORN_*``). Threads let a worker
serve another request while one waits on PostgreSQL; with ``DB_CONN_MAX_AGE`` each thread
keeps its own connection (workers x threads connections per host).
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
# The application is loaded, and warmed up (``core.warmup``), once in the master: a worker
# forked from it serves its first request as fast as its thousandth, and a worker replaced
# after ``max_requests`` costs a fork, not a start of Django. A new release therefore needs
# a restart of the service, not a HUP (which re-forks the loaded code).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that runs longer than this is killed (the worker is replaced); reports are
# built by Celery, never in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Replace a worker after this many requests (a slow leak cannot grow for ever).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# The proxy in front (nginx, a load balancer) that sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access and error logs on standard output/error, for journald or the container's log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The time taken (%(M)s, in milliseconds) at the end of each access line.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


def when_ready(server):
    """In the master, with the application loaded, before the first worker is forked. A
    warm-up that fails is logged and the workers start anyway (each then loads what it
    needs on its first requests, as without it)."""
    if server.cfg.preload_app:
        from core import warmup

        try:
            warmup.warm_up()
        except Exception:
            server.log.exception("warm-up failed; the workers will load on their first requests")
