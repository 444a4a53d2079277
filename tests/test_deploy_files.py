"""The files of deploy/ that no cluster test starts: the systemd units parse and name real
commands, and the environment example holds every variable of the README."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys

from forum.gunicorn_worker import DrainingSyncWorker
from tests.live import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"


def test_systemd_units_verify(tmp_path):
    """systemd-analyze verify, with /srv/forum pointed at this checkout."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing (Debian's systemd package)"
    venv_bin = str(REPO_ROOT / ".venv" / "bin")
    assert (REPO_ROOT / ".venv" / "bin" / "gunicorn").exists(), venv_bin
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/srv/forum", str(REPO_ROOT))
        name = unit.name.replace("forum@.service", "forum@8001.service")
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    assert len(units) == 9
    done = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, check=False
    )
    problems = [
        line
        for line in done.stderr.splitlines()
        # The unit's user and its environment file exist only on a server.
        if "forum.env" not in line and "User" not in line
    ]
    assert not problems, done.stderr


def test_the_environment_example_holds_every_readme_variable():
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Addresses")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    example = (DEPLOY / "forum.env.example").read_text()
    in_example = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    in_example |= set(re.findall(r"\b([A-Z][A-Z0-9_]+) is set per app server", example))
    assert documented - in_example == set()


def test_gunicorn_settings_load():
    code = (
        "from gunicorn.config import Config; from gunicorn.app.base import Application;"
        "import runpy; s = runpy.run_path('deploy/gunicorn.conf.py');"
        "assert s['worker_class'] == 'forum.gunicorn_worker.DrainingSyncWorker';"
        "import forum.gunicorn_worker"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)


def test_a_stopping_worker_answers_the_connections_already_queued():
    """DrainingSyncWorker.drain, run after gunicorn's loop ends: every queued connection
    is handled, then it stops once the queue stays empty."""
    served: list[bytes] = []

    class Recording(DrainingSyncWorker):
        def __init__(self, sockets: list[socket.socket]) -> None:
            self.sockets = sockets  # only what drain() uses; no gunicorn arbiter

        def handle(self, listener: socket.socket, client: socket.socket, addr: object) -> None:
            served.append(client.recv(16))
            client.close()

    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        for number, client in enumerate(clients):
            client.sendall(b"request %d" % number)
        Recording([listener]).drain()
        assert sorted(served) == [b"request 0", b"request 1", b"request 2"]
        for client in clients:
            client.close()
