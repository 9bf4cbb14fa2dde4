"""Submit load: completed survey forms POSTed to distinct /s/<token>/ links.

    .venv/bin/python bench/submit_load.py [--invitations 20000] [--duration 20]
        [--connections 8] [--threads 2] [--workers 2] [--gunicorn-threads 1]

Set-up: a PostgreSQL database of its own (cem_bench_submit, recreated each run), one live NPS
transaction survey (NPS 0-10, CSAT 1-5, a comment) and --invitations invitations in the SENT
state, each for its own contact. gunicorn serves the product with production settings over
plain HTTP on 127.0.0.1 (DEBUG off, --workers sync workers, the repository's gunicorn.conf.py).
wrk (Debian's package) then POSTs, for --duration seconds over --connections connections, one
completed form to each link in turn; no link is posted twice.

The answering view is CSRF-exempt (the 256-bit token in the path is the secret; under
`Referrer-Policy: no-referrer` browsers post `Origin: null`), so the POSTs carry no cookie and
no form token, like a first visit. Before the load the harness checks once that a POST from a
foreign origin (`Origin: null`, no cookies) to a fresh link is accepted and stored.

Prints submits/s, p50/p95/p99 latency, and checks exactly: responses stored == invitations
completed == submits the server accepted (200 POSTs in gunicorn's access log, which includes
the few requests still in flight when wrk stopped; wrk's own 200s plus those in flight must
account for them). Goal on 2 cores: >= 300 submits/s, p95 < 200 ms. Traffic goes to
127.0.0.1 only and stops after --duration seconds or when the links run out.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import ROOT, bench_env, database_recreate, django_setup, migrate  # noqa: E402

DB_NAME = os.environ.get("BENCH_SUBMIT_DB", "cem_bench_submit")
HOST = "127.0.0.1"
WORK_DIR = ROOT / "var" / "bench"
GOAL_RATE = 300
GOAL_P95_MS = 200

LUA = r"""
-- One POST per invitation token; thread i takes tokens i, i+T, i+2T, ...
local tokens = {}
for line in io.lines("%(tokens)s") do tokens[#tokens + 1] = line end
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  thread:set("thread_count", thread_count)
  table.insert(threads, thread)
end

function init(args)
  next_index = id + 1
  counts = {}
  sent = 0
  math.randomseed(1000 + id)
end

local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Origin"] = "null",
}
local comments = {"Quick+and+tidy+installation.", "Technician+was+late.", ""}

function request()
  local token = tokens[next_index]
  if token == nil then
    -- Every link is used: stop, and never post one twice (this GET answers 404).
    wrk.thread:stop()
    return wrk.format("GET", "/s/links-exhausted/")
  end
  next_index = next_index + %(threads)d
  sent = sent + 1
  local body = "q_%(q_nps)d=" .. math.random(0, 10)
    .. "&q_%(q_rating)d=" .. math.random(1, 5)
    .. "&q_%(q_text)d=" .. comments[math.random(1, 3)]
  return wrk.format("POST", "/s/" .. token .. "/", headers, body)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  local posted = 0
  for _, thread in ipairs(threads) do
    posted = posted + thread:get("sent")
    local c = thread:get("counts")
    for status, n in pairs(c) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do parts[#parts + 1] = string.format('"%%s": %%d', status, n) end
  io.write(string.format(
    'WRK_RESULT {"posted": %%d, "requests": %%d, "duration_us": %%d, "p50_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "max_us": %%d, "errors": {"connect": %%d, ' ..
    '"read": %%d, "write": %%d, "timeout": %%d, "status": %%d}, "statuses": {%%s}}\n',
    posted, summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status,
    table.concat(parts, ", ")))
end
"""


def wrk_ensure() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Debian's wrk ...", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "check": False}
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet).returncode:
            subprocess.run(["apt-get", "update", "-qq"], env=env, **quiet)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, **quiet)
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk is not installed (apt-get install wrk)")
    return path


def fixtures_create(invitations: int) -> dict:
    """One live NPS transaction survey and `invitations` SENT invitations, one per contact."""
    from datetime import timedelta

    from django.utils import timezone

    from customers.models import Account, Contact, TouchPoint, VerticalMarket
    from surveys.constants import DistributionOrigin, InvitationStatus, QuestionType, SurveyStatus
    from surveys.models import Distribution, Invitation
    from surveys.services.templates import survey_create_from_template

    vertical = VerticalMarket.objects.create(name="Bench", code="bench")
    accounts = Account.objects.bulk_create(
        Account(name=f"Bench account {i}", external_id=f"B-{i}", vertical_market=vertical)
        for i in range(50)
    )
    contacts = Contact.objects.bulk_create(
        (
            Contact(
                account=accounts[i % len(accounts)],
                name=f"Contact {i}",
                email=f"c{i}@bench.example",
            )
            for i in range(invitations)
        ),
        batch_size=2000,
    )
    touch_point = TouchPoint.objects.create(
        code="installation", name="Installation", channel="field", owning_function="it"
    )
    survey = survey_create_from_template(
        template="nps_transaction",
        title="Installation",
        touch_point=touch_point,
        status=SurveyStatus.LIVE,
    )
    distribution = Distribution.objects.create(
        survey=survey, name="Bench", origin=DistributionOrigin.MANUAL
    )
    now = timezone.now()
    rows = Invitation.objects.bulk_create(
        (
            Invitation(
                survey=survey,
                distribution=distribution,
                contact=contact,
                status=InvitationStatus.SENT,
                sent_at=now,
                expires_at=now + timedelta(days=60),
                attempts=1,
            )
            for contact in contacts
        ),
        batch_size=2000,
    )
    questions = {q.type: q.pk for q in survey.questions.all()}
    return {
        "survey_id": survey.pk,
        "tokens": [row.token for row in rows],
        "q_nps": questions[QuestionType.NPS],
        "q_rating": questions[QuestionType.RATING],
        "q_text": questions[QuestionType.TEXT],
    }


def gunicorn_start(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    log = open(WORK_DIR / "gunicorn.log", "w")  # noqa: SIM115 (closed with the process)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {WORK_DIR / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/admin/login/", timeout=10):  # noqa: S310
                return process
        except OSError:  # refused while booting, or slow on a busy machine
            time.sleep(0.3)
    gunicorn_stop(process)
    sys.exit("gunicorn did not answer within 60 s")


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


def gunicorn_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def post_status(port: int, token: str, body: dict) -> int:
    """POST like a browser under `Referrer-Policy: no-referrer`: `Origin: null`, no cookies."""
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"http://{HOST}:{port}/s/{token}/",
        data=urllib.parse.urlencode(body).encode(),
        headers={"Origin": "null"},
        method="POST",
    )
    try:
        return urllib.request.urlopen(request, timeout=30).status  # noqa: S310
    except urllib.error.HTTPError as error:
        return error.code


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process so far (Linux /proc); gone ones are left out."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # A process started during the load (a new database connection) counts from zero.
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def backend_pids() -> list[int]:
    """PostgreSQL backends serving the benchmark database (a local server: /proc is theirs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


ACCESS_POST = re.compile(r'"POST /s/\S+ HTTP/1\.[01]" (\d{3}) ')


def accepted_by_server() -> int:
    """200 answers to POSTs on personal links, from gunicorn's (token-scrubbed) access log; it
    logs every request it answered, also when the client had already gone away."""
    log = (WORK_DIR / "gunicorn.log").read_text(errors="replace")
    return sum(1 for match in ACCESS_POST.finditer(log) if match.group(1) == "200")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invitations", type=int, default=20000)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    if args.duration > 120:
        sys.exit("--duration is capped at 120 s")
    if not 3 <= args.invitations <= 200_000:
        sys.exit("--invitations must be between 3 and 200,000")

    wrk = wrk_ensure()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    env = bench_env(DB_NAME)
    print(f"Creating database {DB_NAME} and {args.invitations:,} invitations ...", flush=True)
    database_recreate(DB_NAME)
    migrate(env)
    django_setup(env)
    fixtures = fixtures_create(args.invitations)
    from django.db import connections

    connections.close_all()
    tokens = fixtures["tokens"]
    # The first link is for the foreign-origin check below; the load uses the rest.
    (WORK_DIR / "tokens.txt").write_text("\n".join(tokens[1:]) + "\n")

    if not port_free(args.port):
        sys.exit(f"Something already listens on {HOST}:{args.port}; choose another --port")
    process = gunicorn_start(env, args.port, args.workers, args.gunicorn_threads)
    try:
        answers = {f"q_{fixtures['q_nps']}": "9", f"q_{fixtures['q_rating']}": "5"}
        status = post_status(args.port, tokens[0], answers)
        from surveys.models import Response

        stored_first = Response.objects.filter(invitation__token=tokens[0]).count()
        connections.close_all()
        print(f"Foreign-origin check: POST with Origin: null -> {status}, stored {stored_first}")
        if status != 200 or stored_first != 1:
            sys.exit("A POST from Origin: null was not accepted; see var/bench/gunicorn.log")

        script = WORK_DIR / "submit.lua"
        script.write_text(
            LUA
            % {
                "tokens": WORK_DIR / "tokens.txt",
                "threads": args.threads,
                "q_nps": fixtures["q_nps"],
                "q_rating": fixtures["q_rating"],
                "q_text": fixtures["q_text"],
            }
        )
        # Warm up every worker (imports, database connections) on a page that writes nothing.
        subprocess.run(
            [wrk, "-t1", "-c2", "-d2s", f"http://{HOST}:{args.port}/admin/login/"],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        workers = worker_pids(process.pid)
        cpu_before = cpu_seconds(workers), cpu_seconds(backend_pids())
        load_before = os.getloadavg()
        print(
            f"wrk: {args.duration} s, {args.connections} connections, {args.threads} threads; "
            f"gunicorn: {args.workers} workers x {args.gunicorn_threads} threads; "
            f"load average {load_before[0]:.2f}",
            flush=True,
        )
        run = subprocess.run(
            [
                wrk,
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://{HOST}:{args.port}",
            ],  # fmt: skip
            capture_output=True,
            text=True,
            timeout=args.duration + 60,
            check=False,
        )
        load_after = os.getloadavg()
        # The workers keep their connections (CONN_MAX_AGE) for the whole run.
        cpu_after = cpu_seconds(workers), cpu_seconds(backend_pids())
    finally:
        gunicorn_stop(process)  # graceful: requests in flight are answered and logged first

    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if line is None:
        print(run.stdout, run.stderr)
        sys.exit("wrk printed no result")
    result = json.loads(line.removeprefix("WRK_RESULT "))

    from surveys.models import Invitation, Response

    # Less the foreign-origin check's submit, in all three counts.
    stored = Response.objects.filter(survey_id=fixtures["survey_id"]).count() - 1
    completed = Invitation.objects.filter(survey_id=fixtures["survey_id"], status="completed")
    completed = completed.count() - 1
    accepted = accepted_by_server() - 1
    ok = result["statuses"].get("200", 0)
    in_flight = result["posted"] - result["requests"]
    seconds = result["duration_us"] / 1e6
    rate = ok / seconds
    p50, p95, p99 = (result[k] / 1000 for k in ("p50_us", "p95_us", "p99_us"))
    # Every accepted submit is stored exactly once, and nothing else is; wrk saw all of them
    # but the ones still in flight when it stopped.
    consistent = stored == completed == accepted and ok <= accepted <= ok + in_flight
    print(
        f"\nrequests      {result['requests']:,} in {seconds:.1f} s; statuses {result['statuses']}"
        f"; socket errors {result['errors']}\n"
        f"submits/s     {rate:,.0f}  (200 thank-you pages per second)\n"
        f"latency       p50 {p50:.0f} ms   p95 {p95:.0f} ms   p99 {p99:.0f} ms   "
        f"max {result['max_us'] / 1000:.0f} ms\n"
        f"stored        {stored:,} responses, {completed:,} invitations completed, "
        f"{accepted:,} submits accepted by the server -> "
        f"{'consistent' if consistent else 'INCONSISTENT'}\n"
        f"              (wrk: {ok:,} thank-you pages + {in_flight} posts in flight when it "
        f"stopped)\n"
        f"load average  {load_before[0]:.2f} before, {load_after[0]:.2f} after "
        f"(1-minute; {os.cpu_count()} CPUs)"
    )
    if accepted:
        python_ms = cpu_used(cpu_before[0], cpu_after[0]) * 1000 / accepted
        postgres_ms = cpu_used(cpu_before[1], cpu_after[1]) * 1000 / accepted
        print(
            f"CPU/submit    {python_ms:.1f} ms in the gunicorn workers, {postgres_ms:.1f} ms in "
            f"their PostgreSQL backends (load-independent; 2 cores give 2,000 ms/s)"
        )
    meets = rate >= GOAL_RATE and p95 < GOAL_P95_MS
    print(
        f"goal          >= {GOAL_RATE} submits/s with p95 < {GOAL_P95_MS} ms: "
        f"{'met' if meets else 'NOT met'}"
    )
    return 0 if consistent else 1


if __name__ == "__main__":
    sys.exit(main())
