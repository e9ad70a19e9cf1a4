"""`charter check`: what it says besides the report (commands/modules.py) — a folder's modules, notices."""

from __future__ import annotations

from charter_kit.i18n import _, ngettext


def folder_report(folder, count: int) -> str:
    """What `charter check --modules DIR` prints when the folder's modules are sound."""
    return ngettext("{folder}: {count} module loads without problems; its version and changelog match its text",
                    "{folder}: {count} modules load without problems; versions and changelogs match their text",
                    count).format(folder=folder, count=count)


def check_notices(project) -> list[str]:
    """The notices of `charter check`: the project's, then a stale editor schema."""
    from charter_kit.compose.schema import SCHEMA_FILE, stale_schema

    found = list(project.notices)
    if stale_schema(project.root, project.library):
        found.append(_("{file} is out of date (the modules changed): run {command} so the editor completes the "
                       "profile again").format(file=SCHEMA_FILE, command=f"'charter schema -o {SCHEMA_FILE}'"))
    return found
