"""deploy/nginx/forum.conf with its placeholders filled in, for a server or `make cluster`.

    python -m deploy.nginx_site --listen 80 --server-name forum.example.org \\
        --app 127.0.0.1:8001 --app 127.0.0.1:8002 > /etc/nginx/sites-enabled/forum.conf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "forum.conf"


def app_max_body() -> int:
    """The app's MAX_CONTENT_LENGTH, so that nginx refuses exactly what the app would."""
    from forum.config import from_environment

    given = {"SECRET_KEY": "render-only", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    return int(from_environment(ROOT / "instance", given)["MAX_CONTENT_LENGTH"])


def render_nginx_site(
    *,
    listen: str,
    apps: list[str],
    static_root: Path,
    cache_dir: Path,
    access_log: str,
    server_name: str = "_",
) -> str:
    """deploy/nginx/forum.conf with its @NAME@ placeholders filled in."""
    upstreams = "\n    ".join(f"server {a} max_fails=1 fail_timeout=5s;" for a in apps)
    values = {
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "UPSTREAM_SERVERS": upstreams,
        "STATIC_ROOT": str(static_root).rstrip("/"),
        "CACHE_DIR": str(cache_dir),
        "MAX_BODY": str(app_max_body()),
        "ACCESS_LOG": access_log,
    }
    text = SITE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    return text


def render_nginx_main(
    *,
    folder: Path,
    sites: list[Path],
    error_log: Path,
    workers: int = 2,
    user: str | None = None,
) -> str:
    """An nginx.conf that runs nginx in the foreground from `folder` (its pid and every
    temporary path there) and includes `sites`: for `make cluster` and `make bench`."""
    temps = "\n".join(
        f"    {kind}_temp_path {folder / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    includes = "\n".join(f"    include {site};" for site in sites)
    return f"""# Written by deploy/nginx_site.py; the site: deploy/nginx/forum.conf.
daemon off;
{f"user {user};" if user else ""}
worker_processes {workers};
pid {folder / "nginx.pid"};
error_log {error_log} warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
{temps}
{includes}
}}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="80")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--app", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--static-root", type=Path, default=ROOT / "static")
    parser.add_argument("--cache-dir", type=Path, default=Path("/var/cache/nginx/forum"))
    parser.add_argument("--access-log", default="/var/log/nginx/forum.access.log")
    args = parser.parse_args()
    print(
        render_nginx_site(
            listen=args.listen,
            server_name=args.server_name,
            apps=args.app,
            static_root=args.static_root,
            cache_dir=args.cache_dir,
            access_log=args.access_log,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
