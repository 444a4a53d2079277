"""A gunicorn sync worker that, on SIGTERM, also answers the connections already queued.

gunicorn's master closes its copy of the listening socket on SIGTERM, but the workers still
hold theirs, so the kernel keeps queueing connections until the last worker exits, and then
resets them. Behind nginx a reset GET, or a reset comment POST, is sent to another app server
(deploy/nginx/forum.conf), but any other POST (a moderator's action, a vote) would get a 502.
So each worker answers what is queued before it exits, for up to DRAIN_SECONDS.

(Shrinking the queue with listen(0) instead leaves new connections unanswered, and nginx then
times out connecting, which it may not retry for a POST: a 504. A reset is the better failure.)
"""

from __future__ import annotations

import time

from gunicorn.workers.sync import SyncWorker

DRAIN_SECONDS = 5.0  # well inside graceful_timeout (deploy/gunicorn.conf.py)


class DrainingSyncWorker(SyncWorker):
    def run(self) -> None:
        super().run()  # returns once the worker is told to stop
        self.drain()

    def drain(self) -> None:
        deadline = time.monotonic() + DRAIN_SECONDS
        idle = 0
        # A connection may still come in between two looks: look a few times, 20 ms apart.
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
