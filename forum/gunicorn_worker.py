"""A gunicorn sync worker that, on SIGTERM, also answers the connections already queued.

gunicorn's master closes its copy of the listening socket on SIGTERM, but the workers still
hold theirs, so the kernel keeps queueing new connections until the last worker exits, and
then resets them: behind nginx, a comment POSTed into that queue would get a 502. Here the
first worker to stop shrinks the queue to nothing (new connections are not answered, so nginx
times out on connecting and sends the request to another app server, safely, since it was
never sent), and each worker answers what is already queued before it exits.
"""

from __future__ import annotations

import contextlib
import time

from gunicorn.workers.sync import SyncWorker

DRAIN_SECONDS = 5.0  # well inside graceful_timeout (deploy/gunicorn.conf.py)


class DrainingSyncWorker(SyncWorker):
    def run(self) -> None:
        super().run()  # returns once the worker is told to stop
        self.drain()

    def drain(self) -> None:
        for listener in self.sockets:
            with contextlib.suppress(OSError):
                listener.listen(0)
        deadline = time.monotonic() + DRAIN_SECONDS
        idle = 0
        # A connection may still slip in between two looks: look a few times, 20 ms apart.
        while idle < 3 and time.monotonic() < deadline:
            served = False
            for listener in self.sockets:
                try:
                    self.accept(listener)
                    served = True
                except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                    continue
            idle = 0 if served else idle + 1
            if not served:
                time.sleep(0.02)
