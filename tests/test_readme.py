"""The README's contract tables against the code: every page and API endpoint it lists
resolves, every management command and beat task it lists exists (and every one of the
project's is listed), every CEM_* variable it lists is read by the settings or the tests, and
every CEM_* setting is listed with its true default.

The tables are found by their header row; a missing table, a row without a backticked name or
a malformed row fails, so the README cannot drift out of the parser's reach silently."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import get_commands
from django.urls import Resolver404, get_resolver, resolve
from django.urls.resolvers import URLPattern, URLResolver

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROJECT_APPS = {
    "cem_project",
    "customers",
    "surveys",
    "insights",
    "insights.cases",
    "insights.plans",
}
CODE = re.compile(r"`([^`]+)`")


def table(header: str) -> list[list[str]]:
    """The rows (cells stripped) of the one README table whose header row is `header`."""
    lines = README.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == header]
    assert len(starts) == 1, f"README has {len(starts)} tables headed {header!r}"
    start = starts[0]
    width = header.count("|") - 1
    assert re.fullmatch(r"\|( --- \|)+", lines[start + 1].strip()), "no separator row"
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        # A `\|` inside a cell is a literal bar, not a cell boundary.
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        assert len(cells) == width, f"row with {len(cells)} cells, not {width}: {line}"
        rows.append(cells)
    assert rows, f"table {header!r} is empty"
    return rows


def names(cell: str) -> list[str]:
    found = CODE.findall(cell)
    assert found, f"no backticked name in {cell!r}"
    return found


SAMPLES = {"token": "a" * 43, "slug": "demo", "pk": "1", "id": "1"}


def concrete(path: str) -> str:
    """`/s/<token>/?x=` -> `/s/aaaa.../`: placeholders filled, query dropped."""
    path = path.split("?", 1)[0]
    return re.sub(r"<(\w+)>", lambda m: SAMPLES.get(m.group(1), "1"), path)


# ------------------------------------------------------------------ pages and API

PAGES = [p for row in table("| URL | who | what |") for p in names(row[0])]
ENDPOINTS = [p for row in table("| endpoint | methods |") for p in names(row[0])]


def test_the_tables_list_paths():
    for path in PAGES + ENDPOINTS:
        assert path.startswith("/"), path
    assert "/insights/" in PAGES and "/cases/" in PAGES and "/action-plans/" in PAGES


@pytest.mark.parametrize("path", PAGES + ENDPOINTS)
def test_each_listed_url_resolves(path):
    try:
        resolve(concrete(path))
    except Resolver404:
        pytest.fail(f"README lists {path}, which no URL pattern serves")


def _api_paths(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_paths(entry, route)
        elif isinstance(entry, URLPattern) and route.startswith("api/"):
            yield route


def _plain(route: str) -> str | None:
    """A route as a path with parameters as `1`; None for format-suffix and root variants."""
    if "format" in route or route.rstrip("/") in ("api/v1", "api/v1/^$"):
        return None
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<\w+>[^)]*\)|<[\w:]+>", "1", route)
    return "/" + route


def test_every_api_endpoint_is_listed_or_a_listed_collections_member():
    listed = {concrete(p) for p in ENDPOINTS}
    missing = []
    for route in _api_paths():
        path = _plain(route)
        if path is None or path == "/api/v1/":
            continue
        parent = re.sub(r"1/$", "", path)
        if path not in listed and parent not in listed:
            missing.append(path)
    assert not missing, f"API endpoints missing from the README: {missing}"


# ------------------------------------------------------------------ management commands

COMMANDS = [names(row[0])[0].split()[0] for row in table("| command | what |")]


def test_each_listed_command_exists_and_each_of_ours_is_listed():
    commands = get_commands()
    assert set(COMMANDS) <= set(commands), set(COMMANDS) - set(commands)
    ours = {name for name, app in commands.items() if app in PROJECT_APPS}
    assert ours == set(COMMANDS)


# ------------------------------------------------------------------ beat

BEAT = table("| task | when | what |")


def test_each_listed_beat_task_is_scheduled_and_registered_and_each_scheduled_is_listed():
    from cem_project.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    listed = [names(task)[0] for task, _when, _what in BEAT]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(scheduled)
    for task in listed:
        assert task in app.tasks, f"{task} is not a registered Celery task"


@pytest.mark.parametrize("row", BEAT, ids=lambda row: names(row[0])[0])
def test_each_beat_task_runs_when_the_readme_says(row):
    task, when, _what = row
    schedule = next(
        e["schedule"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == names(task)[0]
    )
    if daily := re.fullmatch(r"daily (\d\d):(\d\d)", when):
        assert isinstance(schedule, crontab)
        assert schedule.hour == {int(daily[1])} and schedule.minute == {int(daily[2])}
    elif every := re.fullmatch(r"every `(\w+)`", when):
        # An interval read from that environment variable in the settings.
        assert isinstance(schedule, int | float)
        assert f'env.float("{every[1]}"' in _settings_source()
    elif hourly := re.fullmatch(r"daily at `(\w+)`:00", when):
        assert isinstance(schedule, crontab) and schedule.minute == {0}
        assert f'hour=env.int("{hourly[1]}"' in _settings_source()
    else:
        pytest.fail(f"unparsed schedule {when!r}")


# ------------------------------------------------------------------ CEM_* settings

VARIABLES = {names(row[0])[0]: row[1] for row in table("| variable | default | meaning |")}


def _settings_source() -> str:
    return "".join(p.read_text() for p in (ROOT / "cem_project" / "settings").glob("*.py"))


def _tests_source() -> str:
    return "".join(p.read_text() for p in (ROOT / "tests").rglob("*.py"))


def test_each_listed_cem_variable_is_a_setting_or_read_from_the_environment():
    settings_source, tests_source = _settings_source(), _tests_source()
    for name in (n for n in VARIABLES if n.startswith("CEM_")):
        read = f'"{name}"' in settings_source or (
            name.startswith("CEM_TEST_") and f'"{name}"' in tests_source
        )
        assert hasattr(settings, name) or read, f"README lists {name}, which nothing reads"


def _base_defaults() -> dict:
    """The CEM_* settings of cem_project/settings/base.py with no CEM_* variable set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEM_")}
    code = (
        "import json, cem_project.settings.base as b; "
        "print(json.dumps({k: getattr(b, k) for k in dir(b) if k.startswith('CEM_')},"
        " default=list))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_cem_setting_is_listed_with_its_default():
    defaults = _base_defaults()
    assert {k for k in dir(settings) if k.startswith("CEM_")} <= set(defaults) | set(VARIABLES)
    undocumented = sorted(set(defaults) - set(VARIABLES))
    assert not undocumented, f"CEM_* settings missing from the README: {undocumented}"
    for name, value in defaults.items():
        stated = CODE.findall(VARIABLES[name])
        assert stated, f"{name}: no default stated"
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert float(stated[0]) == value, f"{name}: README says {stated[0]}, base.py {value}"
        else:
            shown = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            assert stated[0] == shown, f"{name}: README says {stated[0]}, base.py has {shown}"
