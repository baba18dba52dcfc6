"""``portal create-committee``: register a comité de vigilancia and its members."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.db import session_scope


@click.command("create-committee")
@click.argument("name")
@click.option("--ubigeo", required=True, help="Its place: department, province or district code.")
@click.option("--year", type=int, required=True, help="The participatory budget's year.")
@click.option("--member", "members", multiple=True, metavar="EMAIL", help="Repeatable.")
@with_appcontext
def create_committee(name: str, ubigeo: str, year: int, members: tuple[str, ...]) -> None:
    """Register a comité de vigilancia (or add members to it) and print its public address."""
    from portal.committees.service import CommitteeRefused, member_emails, save_committee

    with session_scope() as session:
        try:
            committee = save_committee(session, name, ubigeo, year, members)
        except CommitteeRefused as exc:
            raise click.BadParameter(str(exc)) from None
        slug, count = committee.slug, len(member_emails(session, committee))
    click.echo(f"Committee {name!r} ({year}, ubigeo {ubigeo}) has {count} member(s).")
    click.echo(f"/comites/{slug}")
