"""Every benchmark against PostgreSQL in one run, after generate_national_data and ANALYZE, into RESULTS.md.

    make bench                     # 10,000 register entries: a few minutes
    make bench SCALE=100000        # England's size
    .venv/bin/python benchmarks/run_all.py --scale 10000 [--reuse] [--only pages,regulation_search]

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/swaccredit_bench) names the database; its name must
start with "bench" or end with "_bench", as this drops and makes it and others beside it:

- ``<name>``: the national dataset (``generate_national_data --scale``, then ANALYZE), made once (``--reuse`` keeps
  one made earlier at the same scale and seed);
- ``<name>_<benchmark>``: a copy of it for each benchmark (CREATE DATABASE … TEMPLATE), so none sees another's
  rows; the benchmarks that build exactly the rows they measure (and compare two sizes) get an empty, migrated one.

Each benchmark prints its own figures, each beside its baseline from the same run and the ratio; the lines
carrying a ratio are repeated at the end, and everything goes into benchmarks/RESULTS.md with the machine and date.
SQLite is refused: it has one writer at a time and a different planner, so its figures say nothing about production.
"""

import argparse
import datetime
import os
import platform
import re
import subprocess  # nosec B404 # runs our own benchmark scripts and psql-free admin SQL via psycopg2
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/swaccredit_bench"
SEED = 1
# A line carrying a figure and its ratio: "12.3×", "ratio", or a table row ending "ms  ratio  queries".
FIGURE = re.compile(r"×|\bratio\b|OVER 3|^\s*\S.*\s\d+\.\d+\s+\d+\.\d+\s+\d+\s*$")
# Log lines of the libraries (mail sent by eager tasks, whitenoise without collected files), not figures.
NOISE = re.compile(
    r"^(INFO |No hostname was supplied|Task accounts\.tasks\.\S+ succeeded|-{20,}$)|UserWarning: No directory at|"
    r"mw_instance = middleware"
)


def benchmarks(scale: int) -> list[tuple[str, list[str], str]]:
    """(script, arguments, database: "national" copy or "empty") at this scale."""
    return [
        ("pages", ["--requests", "20", "--clients", "30", "--seconds", "20"], "national"),
        ("workforce_report", ["--repeat", "10"], "national"),
        ("courses_public_list", [], "national"),
        ("accreditation_answer_save", ["--candidates", "50", "--repeat", "100"], "national"),
        ("regulation_search", ["--small", str(max(1000, scale // 10)), "--large", str(scale)], "empty"),
        ("training_national_figures", ["--per-year", str(max(100, scale * 8 // 100)), "--years", "3"], "empty"),
        ("credential_status", ["--accreditations", str(max(100, scale // 5)), "--repeat", "5"], "empty"),
        ("certificate_render", ["--batch", "20", "--repeat", "5"], "empty"),
        (
            "transfer_export",
            ["--small", str(scale // 10), "--large", str(scale), "--cases", str(max(2, scale // 20)), "--quick"],
            "empty",
        ),
    ]


def with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def admin(url: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    connection.autocommit = True
    return connection


def sql(url: str, statement: str, params=()) -> list:
    connection = admin(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def recreate(url: str, name: str, template: str | None = None) -> None:
    sql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sql(url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def run(command: list[str], env: dict, log, timeout: int = 1800) -> tuple[int, str]:
    """Run a command, echoing its output as it comes, and return its exit code and output."""
    process = subprocess.Popen(  # nosec B603 # our own scripts, fixed argument lists
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines = []
    deadline = time.monotonic() + timeout
    for line in process.stdout:
        if NOISE.search(line):
            continue
        lines.append(line)
        log.write(line)
        log.flush()
        if time.monotonic() > deadline:
            process.kill()
            lines.append(f"(stopped after {timeout} s)\n")
            break
    return process.wait(), "".join(lines)


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),  # noqa: SIM115
        platform.processor(),
    )
    memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")  # noqa: SIM115
    load = os.getloadavg()
    return (
        f"{platform.node()}: {os.cpu_count()} × {cpu}, {int(memory) // 1024 // 1024} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"load average before the run {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep a national database made earlier at this scale")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            f"Refusing {url.split(':')[0]}: the benchmarks run on PostgreSQL only. SQLite has one writer at a time "
            "and a different query planner, so its figures would say nothing about production. Set "
            "BENCH_DATABASE_URL to a PostgreSQL server (make bench uses " + DEFAULT_URL + ")."
        )
    name = urlsplit(url).path.lstrip("/")
    if not (name.startswith("bench") or name.endswith("_bench")):
        sys.exit(
            f"Refusing database {name!r}: this drops and makes databases; use a name starting with 'bench' or "
            "ending with '_bench'."
        )
    started = time.monotonic()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    about = machine()
    version = sql(url, "SELECT version()")[0][0].split(" on ")[0]
    print(f"{stamp}  {about}\n{version}\n", flush=True)
    # Mail the generated people would be sent goes nowhere (the default prints it).
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "true", "PYTHONUNBUFFERED": "1", "EMAIL_URL": "dummymail://"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    marker = f"generate_national_data --scale {args.scale} --seed {SEED}"
    existing = sql(url, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    generation = "reused"
    if not (args.reuse and existing and existing[0][0] == marker):
        recreate(url, name)
        env_db = {**env, "DATABASE_URL": url}
        code, _ = run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env_db, sys.stdout)
        code = code or run([PYTHON, "manage.py", *marker.split()], env_db, sys.stdout)[0]
        if code:
            sys.exit("generate_national_data failed")
        sql(url, f"COMMENT ON DATABASE \"{name}\" IS '{marker}'")
        generation = f"{time.monotonic() - started:.0f} s"
    empty = f"{name}_empty"
    recreate(url, empty)
    run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
        {**env, "DATABASE_URL": with_name(url, empty)},
        sys.stdout,
    )

    chosen = [b for b in benchmarks(args.scale) if not args.only or b[0] in args.only.split(",")]
    sections, figures = [], []
    for script, arguments, source in chosen:
        copy = f"{name}_{script}"
        recreate(url, copy, template=name if source == "national" else empty)
        copy_url = with_name(url, copy)
        script_env = {**env, "DATABASE_URL": copy_url, "WORKFORCE_BENCH_DATABASE_URL": copy_url}
        command = ["benchmarks/" + script + ".py", *arguments]
        header = f"\n=== {script} ({'copy of the national dataset' if source == 'national' else 'empty database'})"
        print(header + f": {' '.join(command)}", flush=True)
        began = time.monotonic()
        code, output = run([PYTHON, *command], script_env, sys.stdout)
        took = time.monotonic() - began
        sql(url, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        status = "ok" if code == 0 else f"exit code {code}"
        sections.append((script, source, command, took, status, output))
        figures += [f"{script}: {line.strip()}" for line in output.splitlines() if FIGURE.search(line)]
    sql(url, f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')

    print("\n=== Figures with a ratio to their baseline (from the same run)")
    for line in figures:
        print("  " + line)
    total = time.monotonic() - started
    with open(args.results, "w", encoding="utf-8") as out:
        out.write("# Benchmark results\n\n")
        out.write(f"Made by `make bench SCALE={args.scale}` (`benchmarks/run_all.py --scale {args.scale}`)")
        out.write(f" on {stamp}, in {total / 60:.1f} minutes.\n\n")
        out.write(f"- Machine: {about}\n- Database: {version}, on the same machine\n")
        out.write(f"- National dataset: `manage.py {marker}` then ANALYZE ({generation})\n")
        out.write("- Each benchmark ran on its own copy of that database, or on an empty one where it builds and ")
        out.write("compares its own sizes; each figure's baseline is from the same run.\n\n")
        out.write("## Figures with a ratio\n\n```\n" + "\n".join(figures) + "\n```\n")
        for script, source, command, took, status, output in sections:
            where = "a copy of the national dataset" if source == "national" else "an empty database"
            out.write(f"\n## {script}\n\n`{' '.join(command)}` on {where}: ")
            out.write(f"{took:.0f} s, {status}\n\n```\n{output.strip()}\n```\n")
    print(f"\nWrote {args.results} ({total / 60:.1f} minutes).")
    failed = [s for s, *_, status, _ in sections if status != "ok"]
    if failed:
        sys.exit(f"These benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
