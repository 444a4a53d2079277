"""The machinery of `make bench` (tests/bench/compare.py): servers, HTTP and wrk runs.

Each server is a gunicorn in its own process group on 127.0.0.1, stopped with its
workers whatever happens. wrk runs tests/bench/bench.lua, which reports counts and
latency percentiles as one JSON line; between runs the script waits until the
server has finished what the last load left queued.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "tests" / "bench"
WORK = ROOT / "test-artifacts" / "bench"
WORKERS = 2
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


class BenchError(Exception):
    """Something broke: the numbers of this run mean nothing."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Servers --------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


class Servers:
    """Starts gunicorns in their own process groups, and stops every one of them."""

    def __init__(self) -> None:
        self.running: list[Server] = []

    def start(
        self,
        name: str,
        gunicorn: Path,
        app: str,
        env: dict[str, str],
        *extra: str,
        port: int | None = None,
    ) -> Server:
        port = port or free_port()
        log_path = WORK / f"{name}.log"
        argv = [
            str(gunicorn),
            *("--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"),
            *("--no-control-socket", "--timeout", "60", *extra, app),
        ]
        with log_path.open("wb") as out:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(name, port, process, log_path)
        self.running.append(server)
        return server

    def wait_ready(self, server: Server, path: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise BenchError(f"{server.name} exited at start:\n{server.log_tail()}")
            try:
                if fetch(server.url + path, timeout=10).status == 200:
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.3)
        raise BenchError(
            f"{server.name} did not answer {path} in {timeout} s:\n{server.log_tail()}"
        )

    def stop(self, server: Server) -> None:
        if server.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGTERM)
            try:
                server.process.wait(15)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait(5)
        if server in self.running:
            self.running.remove(server)

    def stop_all(self) -> None:
        for server in list(reversed(self.running)):
            self.stop(server)


def server_errors(server: Server) -> list[str]:
    """Tracebacks and 5xx answers the server logged."""
    text = server.log.read_text(errors="replace")
    count = text.count("Traceback (most recent call last)")
    return [f"{server.name}: {count} traceback(s) in {server.log}"] if count else []


# --- HTTP -----------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    cookies: http.cookiejar.CookieJar | None = None,
    timeout: float = 30,
) -> Answer:
    """One request, redirects not followed, any status returned rather than raised."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    opener = urllib.request.build_opener(*handlers)
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"not on loopback: {url}")
    request = urllib.request.Request(  # noqa: S310 - loopback http only, checked above
        url, data=data, headers={"User-Agent": USER_AGENT, **(headers or {})}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


# --- Load -----------------------------------------------------------------------------


@dataclass
class Measure:
    rps: float  # answers as expected, per second
    p50_ms: float
    p99_ms: float
    good: int  # answers as expected
    problems: list[str]
    cpu_ms: float = 0.0  # the server's CPU time (all its processes) per answer as expected


@dataclass
class Scenario:
    label: str
    server: Server
    path: str
    spec: Path | None = None  # POSTs: see write_post_spec
    size: int = 0  # bytes of one answer
    connections: int | None = None  # other than the run's
    stretch: int = 1  # runs this many times as long as the others (a slow server)
    results: list[Measure] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url + self.path

    @property
    def best(self) -> Measure:
        return max(self.results, key=lambda m: m.rps)

    @property
    def fastest(self) -> Measure:
        return min(self.results, key=lambda m: m.p50_ms)

    @property
    def problems(self) -> list[str]:
        return [f"{self.label}: {p}" for m in self.results for p in m.problems]


def letters(n: int) -> str:
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = chr(97 + digit) + word
        if not n:
            return word


# Texts must never repeat, also against a database reused from an earlier run.
_runs = iter(range(secrets.randbelow(26**5) * 1000, 26**6 * 1000))


def wrk(url: str, threads: int, connections: int, seconds: int, spec: Path | None) -> Measure:
    """One wrk run; with a spec, POSTs of texts never sent before in this run."""
    env = dict(os.environ)
    if spec is not None:
        env.update(BENCH_POST_SPEC=str(spec), BENCH_TAG=letters(next(_runs)))
    argv = [
        *("wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"),
        *("-s", str(HERE / "bench.lua"), url),
    ]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=seconds + 120)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode or line is None:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}\n{done.stderr}")
    r = json.loads(line.removeprefix("BENCH "))
    unexpected = r["unexpected"] if r["posts"] else r["status"]
    good = r["ok"] if r["posts"] else r["requests"] - r["status"]
    problems = [f"{unexpected} unexpected answers"] if unexpected else []
    if errors := {k: r[k] for k in ("connect", "read", "write", "timeout") if r[k]}:
        problems.append("socket errors " + ", ".join(f"{k} {v}" for k, v in errors.items()))
    if not good:
        problems.append("no answer as expected")
    elapsed = r["duration_us"] / 1e6
    return Measure(good / elapsed, r["p50_us"] / 1e3, r["p99_us"] / 1e3, good, problems)


def measure(
    scenarios: list[Scenario], rounds: int, threads: int, connections: int, seconds: int
) -> None:
    """Each scenario in turn, `rounds` times over, so that a noisy moment hits one round."""
    for number in range(1, rounds + 1):
        for scenario in scenarios:
            wait_idle(scenario.server)
            cpu_before = _cpu_seconds(scenario.server)
            m = wrk(
                scenario.url,
                threads,
                scenario.connections or connections,
                seconds * scenario.stretch,
                scenario.spec,
            )
            wait_idle(scenario.server)  # what the load left queued counts too
            if m.good:
                m.cpu_ms = 1000 * (_cpu_seconds(scenario.server) - cpu_before) / m.good
            scenario.results.append(m)
            note = f" ({'; '.join(m.problems)})" if m.problems else ""
            log(
                f"round {number}: {scenario.label}: {m.rps:,.1f} req/s, "
                f"p50 {m.p50_ms:.1f} ms, p99 {m.p99_ms:.1f} ms, CPU {m.cpu_ms:.3f} ms{note}"
            )
    for scenario in scenarios:
        wait_idle(scenario.server)


def warm_up(scenarios: list[Scenario]) -> None:
    """Every worker fills its caches and imports what it lazily imports."""
    for scenario in scenarios:
        if scenario.spec is None:
            wait_idle(scenario.server)
            wrk(scenario.url, 1, 4, 2, None)


def _cpu_seconds(server: Server) -> float:
    """CPU time used so far by a gunicorn and its workers."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
        except OSError:
            continue  # the process ended meanwhile
        fields = rest.rsplit(") ", 1)[1].split()
        if int(pid) == server.process.pid or int(fields[1]) == server.process.pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(server: Server, timeout: float = 120) -> None:
    """Until the server has finished what a load left queued (wrk stops, the server does not)."""
    deadline = time.monotonic() + timeout
    before = _cpu_seconds(server)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        after = _cpu_seconds(server)
        if after - before < 0.02:
            return
        before = after
    raise BenchError(f"{server.name} was still busy {timeout:.0f} s after a load")
