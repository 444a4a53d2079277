"""`make cluster` (`python -m deploy.cluster`): the production shape on this machine's loopback,
for trying it and for tests.

It starts, as its own children in the foreground, a PostgreSQL cluster and a Redis under
CLUSTER_DIR (default instance/cluster/, kept between runs), runs the migrations and the
article import, starts APP_SERVERS gunicorn app servers (deploy/gunicorn.conf.py) and nginx
on PORT (deploy/nginx/forum.conf). A child that dies is restarted after a moment, as
systemd's Restart= would; Ctrl-C or SIGTERM stops them all, nginx first, PostgreSQL last.
CLUSTER_DIR/cluster.json says where everything runs (the tests read it); logs are in
CLUSTER_DIR/logs/.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx_site import render_nginx_main, render_nginx_site

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PYTHON = sys.executable
RESTART_DELAY = float(os.environ.get("CLUSTER_RESTART_DELAY", "1"))
MAX_RESTARTS_PER_MINUTE = 5
STOP_TIMEOUT = 30.0


# --- Children ------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor itself is killed, so nothing is orphaned."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    log: Path
    env: dict[str, str] | None = None
    user: str | None = None
    stop_signal: int = signal.SIGTERM
    ready: Callable[[], bool] | None = None
    process: subprocess.Popen[bytes] | None = None
    starts: list[float] = field(default_factory=list)
    died_at: float = 0.0

    def start(self) -> None:
        self.starts = [t for t in self.starts if t > time.monotonic() - 60] + [time.monotonic()]
        with self.log.open("ab") as out:
            out.write(f"--- {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode())
            out.flush()
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                user=self.user,
                group=self.user,
                # Its own process group: Ctrl-C reaches the supervisor only, which stops the
                # children in order; and a test can SIGKILL one server with its workers.
                start_new_session=True,
                preexec_fn=_die_with_parent,  # the supervisor starts no threads
            )
        self.died_at = 0.0

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited while starting; see {self.log}")
            if self.ready is None or self.ready():
                return
            time.sleep(0.1)
        raise SystemExit(f"{self.name} was not ready within {timeout:.0f} s; see {self.log}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, self.stop_signal)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


def pg_bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise SystemExit(f"PostgreSQL's {name} is missing: `make cluster` installs it as root")
    return found


# --- The cluster ---------------------------------------------------------------------------


class Cluster:
    def __init__(self, folder: Path, port: int, app_servers: int) -> None:
        self.folder = folder.resolve()
        self.port = port
        self.logs = self.folder / "logs"
        self.root = os.geteuid() == 0
        # PostgreSQL refuses to run as root; nginx's workers drop to www-data.
        self.pg_user = "postgres" if self.root else None
        self.nginx_user = "www-data" if self.root else None
        self.socket_dir = self._socket_dir()
        self.database_url = f"postgresql+psycopg://postgres@/forum?host={self.socket_dir}"
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}"
        self.app_ports = [free_port() for _ in range(app_servers)]
        self.children: list[Child] = []
        self.stopping = False

    def _socket_dir(self) -> Path:
        # A Unix socket path has at most 107 bytes; a deep CLUSTER_DIR gets a short one in /tmp.
        wanted = self.folder / "run"
        if len(str(wanted / ".s.PGSQL.5432")) < 100:
            return wanted
        return Path(f"/tmp/forum-cluster-{os.getpid()}")  # noqa: S108 - mode 0755, ours

    def _own(self, path: Path, user: str | None, mode: int = 0o700) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if user:
            shutil.chown(path, user, user)
        path.chmod(mode)

    def app_environment(self, number: int) -> dict[str, str]:
        """The shell's environment (every variable of the README reaches every app server),
        with the cluster's own database and Redis, and production logging."""
        env = dict(os.environ)
        env.pop("PORT", None)  # nginx's, not the app's
        env.update(
            DATABASE_URL=self.database_url,
            RATELIMIT_STORAGE_URI=f"{self.redis_url}/0",
            CACHE_REDIS_URL=f"{self.redis_url}/1",
            PROMETHEUS_MULTIPROC_DIR=str(self.folder / "metrics" / f"app{number}"),
            PYTHONUNBUFFERED="1",
            FLASK_APP="wsgi",
        )
        env.setdefault("SECRET_KEY", self._secret_key())
        env.setdefault("FORUM_TRUSTED_PROXIES", "1")
        env.setdefault("FORUM_LOG_FORMAT", "json")
        return env

    def _secret_key(self) -> str:
        path = self.folder / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    # Each part, in the order they start.

    def postgres(self) -> Child:
        data = self.folder / "postgres"
        self._own(self.socket_dir, self.pg_user, 0o755)
        if not (data / "PG_VERSION").exists():
            self._own(data, self.pg_user)
            print("Creating the PostgreSQL cluster in", data, flush=True)
            initdb = subprocess.run(
                [pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
                capture_output=True,
                text=True,
                user=self.pg_user,
                group=self.pg_user,
            )
            if initdb.returncode:
                # Most often a parent folder that the postgres user may not enter (mode 0700).
                raise SystemExit(f"initdb failed:\n{initdb.stdout}{initdb.stderr}")
        argv = [pg_bin("postgres"), "-D", str(data), "-c", "listen_addresses="]
        argv += ["-c", f"unix_socket_directories={self.socket_dir}"]
        return Child(
            "postgresql",
            argv,
            self.logs / "postgresql.log",
            user=self.pg_user,
            stop_signal=signal.SIGINT,  # "fast": ends sessions, shuts down cleanly
            ready=self._postgres_answers,
        )

    def _postgres_answers(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(host=str(self.socket_dir), user="postgres", dbname="postgres"):
                return True
        except psycopg.OperationalError:
            return False

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'forum'").fetchone():
                conn.execute("CREATE DATABASE forum")

    def redis(self) -> Child:
        folder = self.folder / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port)]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(folder)]
        return Child(
            "redis", argv, self.logs / "redis.log", ready=lambda: self._port_open(self.redis_port)
        )

    @staticmethod
    def _port_open(port: int) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        return False

    def prepare_database(self) -> None:
        """The migrations, the article import and, on a new database, the admin account."""
        env = self.app_environment(0)
        env.pop("PROMETHEUS_MULTIPROC_DIR")  # a command is not an app server
        flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
        for args in (["db", "upgrade"], ["forum", "import-article"]):
            subprocess.run([*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
        # Its output is the account, printed once: show it as `make run` does.
        subprocess.run([*flask, "forum", "ensure-moderator"], cwd=ROOT, env=env, check=True)

    def app_server(self, number: int, port: int) -> Child:
        argv = [PYTHON, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py")]
        argv += ["--bind", f"127.0.0.1:{port}", "wsgi:app"]
        return Child(
            f"app{number}",
            argv,
            self.logs / f"app{number}.log",
            env=self.app_environment(number),
            ready=lambda: answers(f"http://127.0.0.1:{port}/healthz"),
        )

    def nginx(self) -> Child:
        folder = self.folder / "nginx"
        cache = folder / "cache"
        temp = folder / "temp"
        for path in (cache, temp):
            self._own(path, self.nginx_user)
        site = render_nginx_site(
            listen=f"127.0.0.1:{self.port}",
            apps=[f"127.0.0.1:{p}" for p in self.app_ports],
            static_root=ROOT / "static",
            cache_dir=cache,
            access_log=str(self.logs / "nginx-access.log"),
        )
        (folder / "forum.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            render_nginx_main(
                folder=folder,
                sites=[folder / "forum.conf"],
                error_log=self.logs / "nginx-error.log",
                user=self.nginx_user,
            )
        )
        argv = ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
        subprocess.run([*argv, "-t", "-q"], check=True)
        return Child(
            "nginx",
            argv,
            self.logs / "nginx.log",
            stop_signal=signal.SIGQUIT,  # graceful: finish the requests in flight
            ready=lambda: answers(f"http://127.0.0.1:{self.port}/healthz"),
        )

    # Running it.

    def write_state(self) -> None:
        def pid(child: Child) -> int | None:
            return child.process.pid if child.process and child.process.poll() is None else None

        named = {c.name: c for c in self.children}
        state = {
            "url": f"http://127.0.0.1:{self.port}",
            "supervisor_pid": os.getpid(),
            "database_url": self.database_url,
            "redis_url": self.redis_url,
            "logs": str(self.logs),
            "pids": {name: pid(child) for name, child in named.items()},
            "apps": [
                {"name": f"app{n}", "port": p, "pid": pid(named[f"app{n}"])}
                for n, p in enumerate(self.app_ports, start=1)
                if f"app{n}" in named
            ],
        }
        path = self.folder / "cluster.json"
        path.with_suffix(".tmp").write_text(json.dumps(state, indent=2))
        path.with_suffix(".tmp").replace(path)

    def launch(self, child: Child) -> None:
        self.children.append(child)
        child.start()
        child.wait_ready()
        self.write_state()

    def run(self) -> int:
        started = time.monotonic()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o755)  # nginx's workers read the cache folder below it
        self.logs.mkdir(exist_ok=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        try:
            self.launch(self.postgres())
            self.create_database()
            self.launch(self.redis())
            self.prepare_database()
            for number, port in enumerate(self.app_ports, start=1):
                self.launch(self.app_server(number, port))
            self.launch(self.nginx())
            print(
                f"Serving the forum on http://127.0.0.1:{self.port}/ through nginx, "
                f"{len(self.app_ports)} app servers on ports "
                f"{', '.join(map(str, self.app_ports))} ({time.monotonic() - started:.1f} s).\n"
                f"Logs: {self.logs}/  State: {self.folder / 'cluster.json'}  "
                "(Ctrl+C stops everything)",
                flush=True,
            )
            return self.supervise()
        except (SystemExit, subprocess.CalledProcessError, KeyboardInterrupt) as error:
            if not self.stopping:
                print(f"make cluster: {error}", file=sys.stderr, flush=True)
            return 0 if self.stopping else 1
        finally:
            self.stop_all()

    def _on_signal(self, signum: int, frame: object) -> None:
        if not self.stopping:
            self.stopping = True
            raise KeyboardInterrupt  # leave a start-up wait at once; supervise() checks too

    def supervise(self) -> int:
        """Restart a child that died, after a moment (as systemd's Restart= would)."""
        while not self.stopping:
            for child in self.children:
                if child.process is None or child.process.poll() is None:
                    continue
                if not child.died_at:
                    child.died_at = time.monotonic()
                    print(f"{child.name} exited ({child.process.returncode})", flush=True)
                    self.write_state()
                if time.monotonic() - child.died_at < RESTART_DELAY:
                    continue
                if len(child.starts) >= MAX_RESTARTS_PER_MINUTE:
                    print(f"{child.name} keeps failing; stopping. See {child.log}", flush=True)
                    return 1
                child.start()
                print(f"{child.name} restarted", flush=True)
                self.write_state()
            time.sleep(0.1)
        return 0

    def stop_all(self) -> None:
        """nginx first (no new requests), then the app servers (they finish theirs),
        then Redis and PostgreSQL."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in reversed(self.children):
            child.stop()
        if self.children:
            self.write_state()
            print("make cluster: everything stopped", flush=True)


def main() -> int:
    folder = Path(os.environ.get("CLUSTER_DIR") or ROOT / "instance" / "cluster")
    port, app_servers = int(os.environ.get("PORT", "8080")), int(os.environ.get("APP_SERVERS", "2"))
    return Cluster(folder, port, app_servers).run()


if __name__ == "__main__":
    sys.exit(main())
