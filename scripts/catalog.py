"""The French catalog of charter-kit's messages: list what is missing, update the .po, compile the .mo.

    .venv/bin/python scripts/catalog.py          # update messages.po (new msgids, no translation lost), compile .mo
    .venv/bin/python scripts/catalog.py --check  # exit 1 when a message has no French or the .mo is stale

Messages are every ``_()`` / ``ngettext()`` of the package (Babel's extractor), every help text of
the `charter` commands and options (walked from click, as `charter --help` shows them), and the
click messages users meet ("Usage:", "Invalid value for…").
"""

from __future__ import annotations

import inspect
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "charter_kit"
PO = PACKAGE / "catalogs" / "fr" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")

#: Click's own messages that a user of `charter` can meet, translated with ours.
CLICK_MESSAGES = (
    "Usage:", "Options", "Commands", "Error: {message}", "Try '{command} {option}' for help.",
    "Invalid value: {message}", "Invalid value for {param_hint}: {message}", "Missing argument",
    "Missing option", "Missing parameter", "Missing {param_type}", "Missing parameter: {param_name}",
    "No such option {name!r}.", "No such command {name!r}.", "Show the version and exit.",
    "Show this message and exit.", "%(prog)s, version %(version)s", "Aborted!", "default: {default}",
    "required", "Missing command.", "Error: invalid input", "env var: {var}", "Choose from:",
    "Option {name!r} requires an argument.", "Option {name!r} does not take a value.",
    "Repeat for confirmation", "Error: The two entered values do not match.",
    "{name} {filename!r} does not exist.", "{name} {filename!r} is a directory.", "{name} {filename!r} is a file.",
    "{name} {filename!r} is not readable.", "file", "directory", "path",
)
CLICK_PLURALS = (
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
)


def code_messages() -> dict[str | tuple[str, str], list[str]]:
    """msgid (or (singular, plural)) -> where it is used, for every marked message of the package."""
    found: dict = {}
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=keywords):
        if message:
            # The file only: a line number would make the catalog stale at every edit above a message.
            found.setdefault(message, []).append(f"charter_kit/{filename}")
    return found


def help_messages() -> dict[str, list[str]]:
    """Every help text of the `charter` command tree, as click shows it."""
    import click

    from charter_kit.cli import cli

    found: dict[str, list[str]] = {}

    def add(text: str | None, where: str) -> None:
        if text:
            text = inspect.cleandoc(text).partition("\f")[0]
            found.setdefault(text, []).append(where.replace(" ", ":"))

    def walk(command: click.Command, path: str) -> None:
        add(command.help, path)
        add(command.short_help, path)
        for param in command.params:
            add(getattr(param, "help", None), f"{path} {param.name}")
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}")

    walk(cli, "charter")
    return found


def wanted() -> dict:
    """Every message the catalog must translate."""
    messages = {**help_messages(), **code_messages()}
    for msgid in CLICK_MESSAGES:
        messages.setdefault(msgid, []).append("click")
    for pair in CLICK_PLURALS:
        messages.setdefault(pair, []).append("click")
    return messages


def load() -> Catalog:
    """The French catalog as committed."""
    import datetime as dt

    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    # Babel dates a catalog read without dates "now", and writes that date into the .mo: a fixed
    # one keeps the compiled catalog the same bytes from one run (and one minute) to the next.
    catalog.creation_date = catalog.revision_date = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    return catalog


def updated(current: Catalog, messages: dict) -> Catalog:
    """A catalog with exactly ``messages``, keeping every translation ``current`` has."""
    catalog = Catalog(locale="fr", domain="messages", project="charter-kit", version="",
                      copyright_holder="charter-kit", msgid_bugs_address="", fuzzy=False,
                      creation_date=None, revision_date=None, last_translator="charter-kit",
                      language_team="fr", header_comment="# French messages of charter-kit (scripts/catalog.py updates this file).")
    for msgid in sorted(messages, key=lambda m: m if isinstance(m, str) else m[0]):
        old = current.get(msgid if isinstance(msgid, str) else msgid[0])
        catalog.add(msgid, string=old.string if old is not None else ("" if isinstance(msgid, str) else ("", "")),
                    locations=[(w, None) for w in sorted(set(messages[msgid]))[:3]])
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    """The .po text, without dates (same catalog, same bytes)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False, include_lineno=False)
    return b"\n".join(line for line in buffer.getvalue().split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled catalog gettext reads."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _messages(catalog: Catalog) -> dict:
    """Each msgid with its French, without locations or comments."""
    return {m.id if isinstance(m.id, str) else tuple(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in catalog if m.id}


def untranslated(catalog: Catalog) -> list[str]:
    """msgids with no French."""
    out = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if not all(strings):
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def main(argv: list[str]) -> int:
    catalog = updated(load(), wanted())
    missing = untranslated(catalog)
    if "--check" in argv:
        # What is translated matters, not where a message sits: moving code needs no new catalog.
        stale = _messages(load()) != _messages(catalog) or MO.read_bytes() != mo_bytes(load())
        for msgid in missing:
            print(f"no French for: {msgid!r}")
        if stale:
            print(f"{PO.relative_to(ROOT)} or its .mo is stale: run scripts/catalog.py")
        return 1 if missing or stale else 0
    PO.write_bytes(po_bytes(catalog))
    MO.write_bytes(mo_bytes(load()))
    for msgid in missing:
        print(f"to translate: {msgid!r}")
    print(f"{len(catalog) - 1} messages, {len(missing)} without French")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
