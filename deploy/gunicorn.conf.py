"""gunicorn settings for one app server, used by systemd's forum@.service and `make cluster`.

The address comes from the command line (`--bind 127.0.0.1:8001`); everything else is here
or in the environment (deploy/forum.env.example).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

wsgi_app = "wsgi:app"
# Sync workers, that on SIGTERM answer the connections already queued too.
worker_class = "forum.gunicorn_worker.DrainingSyncWorker"
workers = int(os.environ.get("FORUM_WORKERS", "2"))
# A request that takes longer than this is stuck: gunicorn replaces the worker.
timeout = 30
# SIGTERM: stop accepting, let requests in flight finish for up to this long, then exit.
graceful_timeout = 25
# Sync workers close each connection after one response; nginx keeps none open to us.
keepalive = 2
control_socket_disable = True
accesslog = None  # the app writes one JSON line per request itself (FORUM_LOG_FORMAT=json)

if os.environ.get("FORUM_LOG_FORMAT") == "json":
    # gunicorn's own lines (workers starting, timeouts) in the same JSON as the app's.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "forum.request_log.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True}},
    }


def on_starting(server: object) -> None:
    """Metrics of a previous run's workers would be added to this run's: start empty."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    """A worker that exits leaves its gauges behind; prometheus_client drops them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


def worker_exit(server: object, worker: object) -> None:
    """On SIGTERM, let the background mail sender finish the message it holds: a message
    claimed but not sent would wait out its claim (10 minutes) before anyone retried it."""
    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        from forum.mail import wait_for_sender

        wait_for_sender(app, timeout=10)
