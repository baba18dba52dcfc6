"""The ``portal`` command: thin click commands that call services."""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from portal.config import source_locations
from portal.db import get_engine
from portal.importer.fetch import is_url

BAR_WIDTH = 30
#: Exit status of ``portal import`` when another import holds the lock (EX_TEMPFAIL: try later).
IMPORT_BUSY_EXIT = 75


def _create_app():
    from portal import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Vigía — citizen oversight of public investments."""


def init_app(app: Flask) -> None:
    for command in (upgrade_db, import_command, demo_data):
        app.cli.add_command(command)


@click.command("upgrade-db")
@with_appcontext
def upgrade_db() -> None:
    """Create or migrate the database schema to the latest revision."""
    from portal.migrate import upgrade_database

    upgrade_database(get_engine())
    click.echo("Database schema is up to date.")


@click.command("demo-data")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def demo_data(outdir: Path) -> None:
    """Write the deterministic demo dataset (real public-record formats) into OUTDIR."""
    from portal.demo import write_demo_data

    outdir.mkdir(parents=True, exist_ok=True)
    for path in write_demo_data(outdir):
        click.echo(str(path))


@click.command("import")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME=PATH_OR_URL",
    help="A source and where to read it; repeatable. Without it, every source from its default.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the summary.")
@click.option("--dry-run", is_flag=True, help="Validate and report without changing anything.")
@with_appcontext
def import_command(sources: tuple[str, ...], as_json: bool, dry_run: bool) -> None:
    """Import the public records (run nightly)."""
    from portal.importer.lock import ImportAlreadyRunning
    from portal.importer.pipeline import ImportSettings, run_import
    from portal.importer.sources import all_sources
    from portal.migrate import upgrade_database

    specs = all_sources()
    try:
        requests = _import_requests(sources, specs, source_locations(current_app.config))
    except click.BadParameter as exc:
        if as_json:
            click.echo(json.dumps({"sources": [], "error": exc.message}))
            sys.exit(2)
        raise
    engine = get_engine()
    upgrade_database(engine)
    show_progress = not as_json and sys.stdout.isatty()
    try:
        results = run_import(
            engine,
            ImportSettings.from_config(current_app.config),
            requests,
            dry_run=dry_run,
            progress_for=_progress_bars() if show_progress else None,
            after_import=current_app.extensions.get("portal.after_import", ()),
        )
    except ImportAlreadyRunning as exc:
        # Cron or a second operator: say so plainly and change nothing.
        if as_json:
            click.echo(json.dumps({"sources": [], "error": str(exc), "ok": False}))
        else:
            click.secho(f"Nothing imported: {exc}. Try again when it has finished.", fg="red")
        sys.exit(IMPORT_BUSY_EXIT)
    rejected = [result for result in results if result.status == "rejected"]
    if as_json:
        summary = {
            "sources": [result.as_dict() for result in results],
            "dry_run": dry_run,
            "ok": not rejected,
        }
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print_summary(results, dry_run)
    sys.exit(1 if rejected else 0)


def _import_requests(options, specs, defaults) -> list:
    """(spec, location) pairs, investments first: the other sources filter by them."""
    chosen: dict[str, list[str]] = {}
    for option in options:
        name, sep, location = option.partition("=")
        if not sep or not location:
            raise click.BadParameter(
                f"expected NAME=PATH_OR_URL, got {option!r}", param_hint="--source"
            )
        if name not in specs:
            known = ", ".join(specs)
            raise click.BadParameter(
                f"unknown source {name!r}; known: {known}", param_hint="--source"
            )
        chosen.setdefault(name, []).append(location)
    if not options:
        chosen = {name: _expand_default(defaults[name]) for name in specs}
    return [(specs[name], location) for name in specs for location in chosen.get(name, [])]


def _expand_default(location: str) -> list[str]:
    """A default like instance/data/*-Seguimiento-PI.csv names every matching file."""
    if is_url(location) or not glob.has_magic(location):
        return [location]
    return sorted(glob.glob(location)) or [location]


def _progress_bars():
    """A bar per source on the terminal: share of the file read (estimated) and rows read."""

    def progress_for(name: str):
        def update(rows: int, share: float) -> None:
            done = round(share * BAR_WIDTH)
            bar = "█" * done + "·" * (BAR_WIDTH - done)
            end = "\n" if share >= 1 else ""
            line = f"\r{name:<26} {bar} {share:>4.0%} {rows:>10,} rows{end}"
            click.echo(line, nl=False, err=True)

        return update

    return progress_for


def _print_summary(results, dry_run: bool) -> None:
    click.echo()
    if dry_run:
        click.echo("Dry run: nothing was changed.")
    for r in results:
        colour = {"imported": "green", "unchanged": "blue", "rejected": "red"}[r.status]
        click.secho(f"{r.name:<26} {r.status:<9}", fg=colour, nl=False)
        click.echo(
            f" read {r.rows_read:>8,}  imported {r.rows_imported:>8,}  "
            f"rejected {r.rows_rejected:>6,}  changes {r.changes:>6,}  {r.location}"
        )
        if r.error:
            click.echo(f"    {r.error}")
        for column, entry in r.blanked_details.items():
            click.echo(
                f"    {entry['count']:,} values of {column} could not be read and were left "
                f"empty: {entry['expected'].replace('_', ' ')} expected, {entry['example']!r} found"
            )
