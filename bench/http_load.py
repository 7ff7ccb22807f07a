"""HTTP load benchmark: gunicorn with the production settings on loopback, users of every
role signed in (with their second factor), a mixed set of their pages driven for a bounded
time at each concurrency, against two ceilings measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sanad_bench_<name> \\
    REDIS_URL=redis://127.0.0.1:6379/<db> .venv/bin/python bench/http_load.py [--seconds 20] [-c 8 -c 32]

The database holds the demo accounts (``seed_demo``, any scale; their published password).
The programme manager, the committee chair and the admin owe a second factor in
production: the bench gives each a TOTP device named ``http-load bench`` if it has none
(a write to the benchmark database) and computes the code from its key, as an app would.

gunicorn runs ``config/gunicorn_conf.py`` with ``SANAD_ENV=production`` (the settings a
deployment has: secure cookies, SSL redirect, MFA enforced, persistent connections, the
shared Redis cache); the client says ``X-Forwarded-Proto: https`` as the proxy in front
would, so nothing is relaxed for the benchmark. ``collectstatic`` runs once into a scratch
folder. ``--compare DIR`` serves a second checkout beside this one (the code before a
change: ``git archive <commit> | tar -x -C DIR``) and runs every phase on each in turn,
``--rounds`` times, so a machine whose load drifts weighs on both alike; ``--env`` /
``--compare-env NAME=VALUE`` pass a setting to either gunicorn (``DB_CONN_MAX_AGE=0``,
``CACHE_URL=locmem://``) to measure one change at a time.

Phases, each ``--seconds`` long at each concurrency: ``healthz`` (the ceiling: no session,
no query), ``light`` (a signed-in page with no query of its own, every role), ``mixed``
(each virtual user a role, cycling through that role's home, lists and a detail page;
``--dashboards`` adds the dashboards, the partner's home among them: at scale 100 a cold
dashboard takes minutes to build, past gunicorn's timeout, docs/performance.md). It prints
req/s, p50/p95/p99, errors and the ratio to ``healthz`` of the same concurrency, the CPU
each request cost gunicorn, PostgreSQL, Redis and the client (read from ``/proc``: far
steadier than req/s on a shared machine; with both cores busy the ratios follow it), then
each mixed page's p50/p95 at the first concurrency. The client runs on the same machine as
the server (its cost is in every phase alike): read the ratios.
"""

import argparse
import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SANAD_ENV"] = "development"  # this process only reads the accounts and devices

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from core.demo import DEMO_PASSWORD  # noqa: E402
from core.models import User  # noqa: E402

LIGHT = "/accounts/password/change/done/"  # a signed-in page that runs no query of its own
DEVICE_NAME = "http-load bench"
# The demo users whose role owes a second factor in production (SANAD_MFA_REQUIRED_ROLES).
SECOND_FACTOR = {"manager", "committee.chair", "admin"}

# Each role's pages: fixed paths, and (list page, link pattern) for a detail page taken from
# the list as the user sees it.
ROLES = {
    "caseworker": {
        "pages": ["/", "/refugees/", "/projects/", "/funding/visits/due/", "/todo/?badge=1"],
        "details": [("/refugees/", r'href="(/refugees/\d+/)"'), ("/projects/", r'href="(/projects/\d+/)"')],
    },
    "manager": {
        "pages": ["/", "/funding/grants/", "/funding/approvals/", "/todo/?badge=1"],
        "dashboards": ["/reports/dashboard/"],
        "details": [("/funding/grants/", r'href="(/funding/grants/\d+/)"')],
    },
    "committee.chair": {
        "pages": ["/", "/projects/committee/", "/todo/?badge=1"],
        "details": [("/projects/committee/", r'href="(/projects/committee/\d+/)"')],
    },
    "partner.unhcr": {
        "pages": ["/reports/"],
        "dashboards": ["/", "/reports/dashboard/"],  # the partner's home is its dashboard
        "details": [("/reports/", r'href="(/reports/runs/\d+/)"')],
    },
    "admin": {
        "pages": ["/", "/admin/", "/admin/core/user/"],
        "details": [("/admin/core/user/", r'href="(/admin/core/user/\d+/change/)"')],
    },
}


class Client:
    """One keep-alive connection and a cookie jar (the Secure flag is the proxy's business:
    the client speaks plain HTTP to gunicorn and says ``X-Forwarded-Proto: https``)."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None, referer: str = "") -> tuple[int, dict, bytes]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "fr",
            "Connection": "keep-alive",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{referer or path}"
        for attempt in (1, 2):  # a keep-alive connection the server closed: open a new one
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, dict(response.getheaders()), content


def csrf_token(html: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1).decode()


def totp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """The code the user's app shows now (a code already used waits for the next step)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while totp.t() <= (device.last_t or -1):
        time.sleep(0.5)
        totp.time = time.time()
    return str(totp.token()).zfill(device.digits)


def sign_in(port: int, username: str) -> Client:
    if username in SECOND_FACTOR:
        totp_device(User.objects.get(username=username))  # enrolled before, as in real use
    client = Client(port)
    status, _h, page = client.request("GET", "/accounts/login/")
    status, headers, _b = client.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf_token(page), "username": username, "password": DEMO_PASSWORD},
    )
    if status != 302:
        raise RuntimeError(f"{username}: sign-in answered {status}")
    status, headers, _b = client.request("GET", LIGHT)
    if status == 302 and urlsplit(headers.get("Location", "")).path == "/accounts/two-step/verify/":
        verify = "/accounts/two-step/verify/"
        device = totp_device(User.objects.get(username=username))
        _s, _h, page = client.request("GET", verify)
        status, _h, _b = client.request(
            "POST", verify, {"csrfmiddlewaretoken": csrf_token(page), "token": totp_code(device)}
        )
        if status != 302:
            raise RuntimeError(f"{username}: the second factor answered {status}")
        status, headers, _b = client.request("GET", LIGHT)
    if status != 200:
        raise RuntimeError(f"{username}: {LIGHT} answered {status} ({headers.get('Location')}) after signing in")
    return client


def role_pages(client: Client, spec: dict, dashboards: bool) -> list[str]:
    pages = list(spec["pages"]) + (spec.get("dashboards", []) if dashboards else [])
    for list_page, pattern in spec["details"]:
        _s, _h, html = client.request("GET", list_page)
        found = re.search(pattern.encode(), html)
        if found:
            pages.append(found.group(1).decode())
        else:
            print(f"  (no detail link found on {list_page})")
    return pages


@dataclass
class Result:
    times: list = field(default_factory=list)
    errors: int = 0
    by_page: dict = field(default_factory=dict)
    error_samples: list = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.times) / self.elapsed

    def merge(self, other: "Result") -> None:
        self.times += other.times
        self.errors += other.errors
        self.elapsed += other.elapsed
        for path, times in other.by_page.items():
            self.by_page.setdefault(path, []).extend(times)
        self.error_samples += other.error_samples[: max(0, 5 - len(self.error_samples))]


def drive(port: int, seconds: float, concurrency: int, plans: list[tuple[dict, list[str]]]) -> Result:
    """``concurrency`` threads, thread i following plan i % len(plans) (cookies, pages)."""
    result = Result()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    start = threading.Barrier(concurrency)

    def worker(index: int) -> None:
        cookies, pages = plans[index % len(plans)]
        client = Client(port, cookies)
        n = index  # threads of the same plan start at different pages
        start.wait()
        while time.monotonic() < deadline:
            path = pages[n % len(pages)]
            n += 1
            began = time.perf_counter()
            try:
                status, _h, _b = client.request("GET", path)
            except OSError as exc:
                status = f"{type(exc).__name__}"
            took = time.perf_counter() - began
            with lock:
                result.times.append(took)
                result.by_page.setdefault(path, []).append(took)
                if status != 200:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{path} -> {status}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.monotonic() - began
    return result


CLOCK = os.sysconf("SC_CLK_TCK")


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """CPU seconds (user + system, with reaped children's) of each process now alive in a
    group: gunicorn (master and workers), postgres (the backends connected to the benchmark
    database), redis-server, and this client."""
    found = {}
    me = os.getpid()
    database = settings.DATABASES["default"]["NAME"]
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmd = f.read().decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = sum(int(v) for v in fields[11:15]) / CLOCK  # utime stime cutime cstime
        if int(entry.name) == me:
            group = "client"
        elif "gunicorn" in cmd:
            group = "gunicorn"
        elif cmd.startswith("postgres:") and f" {database} " in cmd:
            group = "postgres"
        elif "redis-server" in cmd:
            group = "redis"
        else:
            continue
        found[int(entry.name)] = (group, seconds)
    return found


def cpu_spent(before: dict, after: dict) -> dict[str, float]:
    """What each group spent between two readings. A gunicorn worker replaced meanwhile is
    in its master's reaped children's time (whole: its earlier time is taken off); a
    PostgreSQL backend that ended meanwhile is lost (its parent is not counted), so the
    postgres figure can be a little low, never below zero."""
    spent = {"gunicorn": 0.0, "postgres": 0.0, "redis": 0.0, "client": 0.0}
    for pid, (group, seconds) in after.items():
        spent[group] += seconds - before.get(pid, (group, 0.0))[1]
    for pid, (group, seconds) in before.items():
        if pid not in after and group == "gunicorn":
            spent[group] -= seconds
    return spent


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(args, port: int, static_root: Path, extra: list[str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "GUNICORN_"))}
    for name in ("SANAD_MFA_ENFORCED", "DB_CONN_MAX_AGE", "DB_CONN_HEALTH_CHECKS", "CACHE_URL", "DEBUG"):
        env.pop(name, None)
    env.update(
        SANAD_ENV="production",
        SECRET_KEY="http-load-benchmark-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=os.environ["DATABASE_URL"],
        CELERY_BROKER_URL=args.redis,
        CELERY_TASK_ALWAYS_EAGER="0",
        STATIC_ROOT=str(static_root),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="/dev/null",
        LOG_LEVEL="WARNING",
    )
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    for item in extra:
        name, _, value = item.partition("=")
        env[name] = value
    return env


def start_server(args, app_dir: Path, port: int, extra: list[str]) -> subprocess.Popen:
    digest = hashlib.sha256(str(app_dir).encode()).hexdigest()[:10]
    static_root = Path(tempfile.gettempdir()) / f"sanad-http-load-static-{digest}"
    env = server_env(args, port, static_root, extra)
    if not (static_root / "staticfiles.json").exists():
        print(f"collectstatic into {static_root} ...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=app_dir, env=env, check=True
        )
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "-c", "config/gunicorn_conf.py"],
        cwd=app_dir,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(tempfile.gettempdir()) / f"sanad-http-load-{port}.log", "w"),  # noqa: SIM115
    )
    for _ in range(120):
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def row(name: str, c: int, r: Result, ceiling: float | None) -> str:
    rps = r.rps
    ms = [1000 * percentile(r.times, p) for p in (50, 95, 99)]
    ratio = f"{rps / ceiling:.3f}" if ceiling else "1"
    cells = f"{len(r.times):>7} {rps:>8.1f} {ms[0]:>7.1f} {ms[1]:>7.1f} {ms[2]:>7.1f} {r.errors:>6} {ratio:>7}"
    return f"{name:<8} {c:>3} {cells}"


def _terminate(signum, frame):
    raise SystemExit(1)  # run the finally clauses: gunicorn is stopped


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("-c", "--concurrency", type=int, action="append", help="repeatable; default 8 and 32")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--app-dir", default=str(ROOT), help="the checkout gunicorn serves")
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: the config's)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for gunicorn, repeatable")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated demo usernames")
    parser.add_argument(
        "--dashboards", action="store_true", help="add the dashboards (the partner's home) to the mixed pages"
    )
    parser.add_argument("--compare", default="", help="a second checkout, served beside and measured in turn")
    parser.add_argument("--compare-env", action="append", default=[], help="NAME=VALUE for the second server")
    parser.add_argument("--rounds", type=int, default=1, help="phases alternated between the servers this many times")
    args = parser.parse_args()
    concurrencies = args.concurrency or [8, 32]
    servers = [Server("this", Path(args.app_dir).resolve(), args.env)]
    if args.compare:
        servers.insert(0, Server("compare", Path(args.compare).resolve(), args.compare_env))
    try:
        for server in servers:
            server.port = free_port()
            server.process = start_server(args, server.app_dir, server.port, server.env)
            print(
                f"[{server.label}] gunicorn on 127.0.0.1:{server.port} serving {server.app_dir}",
                f"(SANAD_ENV=production) against {settings.DATABASES['default']['NAME']}",
                f"with {' '.join(server.env)}" if server.env else "",
            )
            for username in args.roles.split(","):
                client = sign_in(server.port, username)
                pages = role_pages(client, ROLES[username], args.dashboards)
                for path in pages:  # warm up (each worker's first hit pays its own start)
                    status, _h, _b = client.request("GET", path)
                    if status != 200:
                        print(f"  {username} {path} answered {status}")
                print(f"  {username}: {' '.join(pages)}")
                server.plans["mixed"].append((client.cookies, pages))
                server.plans["light"].append((client.cookies, [LIGHT]))
            server.plans["healthz"].append(({}, ["/healthz"]))

        print(
            f"\n{args.seconds:.0f} s per phase x {args.rounds} round(s), the servers in turn;",
            "ratio = req/s over /healthz's on the same server at the same concurrency",
        )
        results: dict = {}
        cpu: dict = {}
        for c in concurrencies:
            for _round in range(args.rounds):
                for phase in PHASES:
                    for server in servers:
                        before = cpu_by_process()
                        result = drive(server.port, args.seconds, c, server.plans[phase])
                        phase_cpu = cpu_spent(before, cpu_by_process())
                        key = (server.label, phase, c)
                        results.setdefault(key, Result(elapsed=0.0)).merge(result)
                        spent = cpu.setdefault(key, dict.fromkeys(phase_cpu, 0.0))
                        for group, seconds in phase_cpu.items():
                            spent[group] += seconds
        print(
            f"{'server':<8} {'phase':<8} {'c':>3} {'reqs':>7} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}",
            f"{'p99 ms':>7} {'errors':>6} {'ratio':>7}",
        )
        for c in concurrencies:
            for server in servers:
                ceiling = results[(server.label, "healthz", c)]
                for phase in PHASES:
                    r = results[(server.label, phase, c)]
                    print(f"{server.label:<8}", row(phase, c, r, None if phase == "healthz" else ceiling.rps))
                    for sample in r.error_samples:
                        print(f"         error: {sample}")
        print("\nCPU ms per request, by process group (user + system; other load moves it little)")
        groups = ("gunicorn", "postgres", "redis", "client")
        print(f"{'server':<8} {'phase':<8} {'c':>3}", " ".join(f"{g:>9}" for g in groups), f"{'all':>9} {'cores':>6}")
        for c in concurrencies:
            for server in servers:
                for phase in PHASES:
                    key = (server.label, phase, c)
                    n = max(1, len(results[key].times))
                    ms = [1000 * cpu[key][g] / n for g in groups]
                    cells = " ".join(f"{v:>9.2f}" for v in ms)
                    cores = sum(cpu[key].values()) / results[key].elapsed  # cores these parts kept busy
                    print(f"{server.label:<8} {phase:<8} {c:>3}", cells, f"{sum(ms):>9.2f} {cores:>6.2f}")
        for server in servers:
            detail = results[(server.label, "mixed", concurrencies[0])]
            print(f"\n[{server.label}] mixed pages at c={concurrencies[0]}: p50 / p95 ms (n)")
            for path, times in sorted(detail.by_page.items(), key=lambda kv: -statistics.median(kv[1])):
                print(
                    f"  {path:<40} {1000 * percentile(times, 50):>7.1f}",
                    f"{1000 * percentile(times, 95):>7.1f}  ({len(times)})",
                )
    finally:
        for server in servers:
            if server.process is not None:
                stop_server(server.process)


PHASES = ("healthz", "light", "mixed")


@dataclass
class Server:
    label: str
    app_dir: Path
    env: list
    port: int = 0
    process: subprocess.Popen | None = None
    plans: dict = field(default_factory=lambda: {phase: [] for phase in PHASES})


if __name__ == "__main__":
    main()
