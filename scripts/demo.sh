#!/usr/bin/env bash
# Runs the demo: migrate, collect static files, seed, then the web server, a Celery worker and
# Celery beat side by side on the embedded defaults (SQLite, filesystem broker, mail to files).
# Ctrl-C (or SIGTERM) stops all three. Called by `make demo`, which installs .venv first.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-cem_project.settings.local}"
ADDR="${DEMO_ADDR:-127.0.0.1:8000}"
export SITE_URL="${SITE_URL:-http://$ADDR}"
BIN=.venv/bin
LOG_DIR=var/log
mkdir -p "$LOG_DIR"

"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/python" manage.py seed_demo

pids=()
tail_pid=""
stop() {
    trap - INT TERM EXIT
    [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
    echo
    echo "Stopping web server, worker and beat ..."
    # The main process first, so that the worker finishes its task (warm shutdown); then the
    # rest of its process group (runserver's reloader child), then whatever still holds on.
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    sleep 0.5
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "Stopped."
}
trap stop EXIT
trap 'exit 0' INT TERM   # a requested stop is a clean exit

# setsid: every service leads its own process group, so one kill reaches its children too
# (runserver's reloader, the worker's pool processes).
start() {
    local name=$1; shift
    setsid "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
    pids+=("$!")
}
start web "$BIN/python" manage.py runserver "$ADDR"
start worker "$BIN/celery" -A cem_project worker --loglevel INFO --concurrency 2 \
    --hostname "demo@%h"
start beat "$BIN/celery" -A cem_project beat --loglevel INFO --pidfile=

for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://$ADDR/admin/login/" 2>/dev/null && break
    sleep 0.2
done

cat <<MSG

  CEM demo is serving at $SITE_URL/
    staff login   $SITE_URL/admin/   user admin, password ${DEMO_PASSWORD:-cem-demo}
    results       $SITE_URL/insights/
    API docs      $SITE_URL/api/docs/
    survey mails  var/mail/*.eml (open one and follow its link to answer)
    logs          $LOG_DIR/{web,worker,beat}.log
  Press Ctrl-C to stop the web server, the worker and beat.

MSG

tail -n +1 -F "$LOG_DIR/web.log" "$LOG_DIR/worker.log" "$LOG_DIR/beat.log" &
tail_pid=$!
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "A demo process exited (status $status); stopping the others." >&2
exit 1
