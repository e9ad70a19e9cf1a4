"""Importing employees from the CSV or XLSX file an HR information system exports.

Headers are matched tolerantly, in French or English (``Matricule``/``ID``, ``Nom``/``Name``,
``Courriel``/``E-mail``, ``Société``/``Entity``, ``Établissement``/``Establishment``,
``Population``), with or without accents, case or punctuation; a ``Prénom`` column is joined to
``Nom``. A CSV may use a comma, a semicolon, a tab or a vertical bar, and be UTF-8 (with or
without BOM), UTF-16 with BOM or Windows-1252. Every row is checked before anything is written:
one error anywhere and nothing is imported, and the message lists every faulty line.

A re-import updates what changed, brings back returning employees and marks as gone everyone
active who is not in the file (unless ``leavers=False``, for a file covering part of the group).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from charter_kit.errors import AckError
from charter_kit.i18n import N_, _, ngettext

from charter_kit.ack.db import Employee, Registry, iso
from charter_kit.ack.events import NewEvent, append_many
from charter_kit.ack.import_report import ImportReport

FIELDS = ("matricule", "name", "email", "entity", "establishment", "population")
#: Each field as a message names it (translated where it is shown).
LABELS = {"matricule": N_("matricule"), "name": N_("name"), "first_name": N_("first name"), "last_name": N_("name"),
          "email": N_("e-mail"), "entity": N_("company"), "establishment": N_("establishment"),
          "population": N_("population")}
LIMITS = {"matricule": 64, "name": 200, "email": 254, "entity": 200, "establishment": 200, "population": 200}
MAX_REPORTED = 50

_SYNONYMS = {
    "matricule": ["matricule", "id", "identifiant", "idsalarie", "numerosalarie", "nsalarie", "nodesalarie",
                  "numeromatricule", "employeeid", "employeeno", "employeenumber", "staffid", "personnelnumber",
                  "codesalarie", "matriculesalarie", "empid", "uid"],
    "name": ["nom", "name", "nomcomplet", "fullname", "nomprenom", "nometprenom", "prenomnom", "prenometnom",
             "salarie", "collaborateur", "employee", "employeename", "displayname"],
    "first_name": ["prenom", "firstname", "givenname", "forename"],
    "last_name": ["nomdefamille", "nomdusage", "lastname", "surname", "familyname"],
    "email": ["courriel", "email", "mail", "adressecourriel", "adresseemail", "adressemail",
              "adresseelectronique", "emailaddress", "emailprofessionnel", "courrielprofessionnel",
              "mailprofessionnel", "workemail"],
    "entity": ["societe", "entity", "entite", "entreprise", "company", "legalentity", "filiale",
               "raisonsociale", "employeur", "employer"],
    "establishment": ["etablissement", "establishment", "site", "sitederattachement", "lieudetravail",
                      "location", "workplace", "agence", "office"],
    "population": ["population", "categorie", "category", "groupe", "group", "audience", "profil",
                   "populationcible"],
}
HEADER_MAP = {word: name for name, words in _SYNONYMS.items() for word in words}
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True)
class Table:
    """A spreadsheet read as text: its header row and its data rows with their line numbers."""

    name: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str | None
    digest: str


@dataclass(frozen=True)
class EmployeeRow:
    """One employee as the file gives them, checked."""

    line: int
    matricule: str
    name: str
    email: str = ""
    entity: str = ""
    establishment: str = ""
    population: str = ""

    def values(self) -> dict[str, str]:
        """The stored fields."""
        return {f: getattr(self, f) for f in FIELDS}


# -- reading ----------------------------------------------------------------------------------------
def read_table(path: Path) -> Table:
    """Read a CSV or XLSX file into text cells, sniffing encoding and delimiter."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AckError(_("{file}: file not found").format(file=path)) from None
    except OSError as exc:
        raise AckError(_("{file}: cannot be read ({reason})").format(file=path, reason=exc.strerror)) from None
    digest = hashlib.sha256(data).hexdigest()
    if data[:4] == b"PK\x03\x04":
        if path.suffix.lower() in (".ods",):
            raise AckError(_("{file}: OpenDocument format not read").format(file=path),
                           hint=_("save the file as .xlsx or .csv"))
        return _read_xlsx(path, data, digest)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise AckError(_("{file}: old Excel format (.xls) not read").format(file=path),
                       hint=_("save the file as .xlsx or .csv"))
    text, encoding = decode(data, path)
    return _read_csv(path, text, encoding, digest)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Bytes to text and the encoding's name: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), N_("UTF-8 with BOM")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Five bytes are undefined in Windows-1252; Latin-1 reads every byte.
        return data.decode("latin-1"), "ISO-8859-1"


def _read_csv(path: Path, text: str, encoding: str, digest: str) -> Table:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise AckError(_("{file}: the file is empty").format(file=path))
    delimiter = sniff_delimiter(lines[first])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header, header_line = cells, start
            else:
                rows.append((start, cells))
    except csv.Error as exc:
        raise AckError(_("{file}, line {line}: unreadable CSV ({reason})").format(
            file=path, line=reader.line_num, reason=exc)) from None
    assert header is not None
    return Table(path.name, header, header_line, rows, encoding, delimiter, digest)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter a header line uses: the most frequent of ; , tab | outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ","


def _read_xlsx(path: Path, data: bytes, digest: str) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged workbook
        raise AckError(_("{file}: unreadable Excel workbook ({reason})").format(file=path, reason=type(exc).__name__),
                       hint=_("open it in your spreadsheet and save it again as .xlsx")) from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        header_line = 0
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            if header is None:
                header, header_line = cells, number
            else:
                rows.append((number, cells))
    finally:
        book.close()
    if header is None:
        raise AckError(_("{file}: the first sheet of the workbook is empty").format(file=path))
    return Table(path.name, header, header_line, rows, "xlsx", None, digest)


def _cell_text(value) -> str:
    """A spreadsheet cell as text: 1234.0 reads "1234", a date its ISO form."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


# -- checking ---------------------------------------------------------------------------------------
def header_key(label: str) -> str:
    """A header folded for matching: no accents, case, spaces or punctuation ("N° salarié" -> "nsalarie")."""
    decomposed = unicodedata.normalize("NFKD", label.replace("°", ""))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", bare)


def map_columns(table: Table) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field, and the columns ignored; errors name the header line."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems = []
    for index, label in enumerate(table.header):
        key = HEADER_MAP.get(header_key(label))
        if key is None:
            if label.strip():
                ignored.append(label.strip())
            continue
        if key in columns:
            problems.append(_("the columns '{first}' and '{second}' both give the {field}").format(
                first=table.header[columns[key]].strip(), second=label.strip(), field=_(LABELS[key])))
            continue
        columns[key] = index
    if "first_name" in columns and "name" in columns and "last_name" not in columns:
        columns["last_name"] = columns.pop("name")  # "Prénom" + "Nom": Nom is the family name
    has_name = "name" in columns or "last_name" in columns
    if "matricule" not in columns:
        problems.append(_("matricule column not found (headers accepted: Matricule, ID, Identifiant, Employee ID…)"))
    if not has_name:
        problems.append(_("name column not found (headers accepted: Nom, Name, Nom complet, or Prénom and Nom)"))
    if problems:
        found = ", ".join(_("'{header}'").format(header=h.strip()) for h in table.header if h.strip())
        problems_text = _("; ").join(problems)
        if found:
            message = _("{file}, line {line} (headers): {problems}. Headers found: {headers}").format(
                file=table.name, line=table.header_line, problems=problems_text, headers=found)
        else:
            message = _("{file}, line {line} (headers): {problems}. No headers found").format(
                file=table.name, line=table.header_line, problems=problems_text)
        raise AckError(message, hint=_("the first non-empty line must name the columns; check the separator too"))
    return columns, ignored


def check_rows(table: Table) -> tuple[list[EmployeeRow], list[str]]:
    """Every row checked; an AckError lists every faulty line (nothing is imported then)."""
    columns, ignored = map_columns(table)
    problems: list[str] = []
    out: list[EmployeeRow] = []
    seen: dict[str, int] = {}
    emails: dict[str, int] = {}

    for line, cells in table.rows:
        def cell(key: str) -> str:
            index = columns.get(key)
            return _clean(cells[index]) if index is not None and index < len(cells) else ""

        if "name" in columns:
            name = cell("name")
        else:
            name = " ".join(p for p in (cell("first_name"), cell("last_name")) if p)
        values = {"matricule": cell("matricule"), "name": name, "email": cell("email"),
                  "entity": cell("entity"), "establishment": cell("establishment"),
                  "population": cell("population")}
        row_problems = []
        for key, value in values.items():
            if _CONTROL.search(value):
                row_problems.append(_("{field}: control character or line break not allowed").format(
                    field=_(LABELS[key])))
            elif len(value) > LIMITS[key]:
                row_problems.append(_("{field}: {count} characters, {limit} at most").format(
                    field=_(LABELS[key]), count=len(value), limit=LIMITS[key]))
        if not values["matricule"]:
            row_problems.append(_("matricule missing"))
        if not values["name"]:
            row_problems.append(_("name missing"))
        email = values["email"]
        if email and not _EMAIL.fullmatch(email):
            row_problems.append(_("e-mail '{email}' invalid").format(email=_show(email)))
        if values["matricule"] in seen:
            row_problems.append(_("matricule {matricule} already on line {line}").format(
                matricule=_show(values["matricule"]), line=seen[values["matricule"]]))
        if email and email.lower() in emails:
            row_problems.append(_("e-mail {email} already on line {line}").format(
                email=_show(email), line=emails[email.lower()]))
        if row_problems:
            problems += [_("{file}, line {line}: {problem}").format(file=table.name, line=line, problem=p)
                         for p in row_problems]
            continue
        seen[values["matricule"]] = line
        if email:
            emails[email.lower()] = line
        out.append(EmployeeRow(line, **values))
    if problems:
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more:
            text += "\n  " + ngettext("… and {count} more", "… and {count} more", more).format(count=more)
        raise AckError(ngettext("{count} problem in {file}; nothing was imported:\n{problems}",
                                "{count} problems in {file}; nothing was imported:\n{problems}",
                                len(problems)).format(count=len(problems), file=table.name, problems=text),
                       hint=_("correct these lines in the exported file, then run the import again"))
    if not out:
        raise AckError(_("{file}: no employee after the header line; nothing was imported").format(file=table.name))
    return out, ignored


def _clean(value: str) -> str:
    """Trim spaces (non-breaking ones too) and normalise accents to one Unicode form."""
    return unicodedata.normalize("NFC", value.replace("\u00a0", " ").replace("\ufeff", "")).strip()


def _show(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "…"


# -- writing ----------------------------------------------------------------------------------------
def import_employees(registry: Registry, path: Path, *, actor: str, leavers: bool = True,
                     dry_run: bool = False) -> ImportReport:
    """Check the whole file, then apply it in one transaction (all or nothing)."""
    table = read_table(path)
    rows, ignored = check_rows(table)
    report = ImportReport(table.name, len(rows), table.encoding, table.delimiter, ignored_columns=ignored,
                          dry_run=dry_run)
    with registry.errors(_("importing the employees")):
        if dry_run:
            with registry.read() as session:
                _apply(registry, session, rows, table, report, actor=actor, leavers=leavers, write=False)
        else:
            with registry.write() as session:
                _apply(registry, session, rows, table, report, actor=actor, leavers=leavers, write=True)
    return report


def _apply(registry: Registry, session, rows: Sequence[EmployeeRow], table: Table, report: ImportReport, *,
           actor: str, leavers: bool, write: bool) -> None:
    now = iso(registry.now())
    existing = {e.matricule: e for e in session.execute(select(Employee)).scalars()}
    new_rows, updates, events = [], [], []
    in_file = set()
    for row in rows:
        in_file.add(row.matricule)
        values = row.values()
        old = existing.get(row.matricule)
        if old is None:
            new_rows.append({**values, "active": True, "left_at": None, "updated_at": now})
            continue
        changes = {k: [getattr(old, k), v] for k, v in values.items() if getattr(old, k) != v}
        if not old.active:
            report.returned += 1
            updates.append({"id": old.id, **values, "active": True, "left_at": None, "updated_at": now})
            events.append(NewEvent("employee.returned", {"matricule": old.matricule, "changes": changes}, old.id))
        elif changes:
            report.updated += 1
            updates.append({"id": old.id, **values, "updated_at": now})
            events.append(NewEvent("employee.updated", {"matricule": old.matricule, "changes": changes}, old.id))
        else:
            report.unchanged += 1
    gone = [e for m, e in existing.items() if leavers and e.active and m not in in_file]
    report.added, report.left = len(new_rows), len(gone)
    if not write:
        return
    registry.lock_chain(session)
    for start in range(0, len(new_rows), 5000):
        chunk = new_rows[start:start + 5000]
        created = session.execute(insert(Employee).returning(Employee.id, Employee.matricule), chunk).all()
        ids = {matricule: ident for ident, matricule in created}
        events += [NewEvent("employee.added", {k: r[k] for k in FIELDS}, ids[r["matricule"]]) for r in chunk]
    if updates:
        session.execute(update(Employee), updates)
    if gone:
        session.execute(update(Employee), [{"id": e.id, "active": False, "left_at": now, "updated_at": now}
                                           for e in gone])
        events += [NewEvent("employee.left", {"matricule": e.matricule}, e.id) for e in gone]
    events.append(NewEvent("import.done", {
        "file": table.name, "sha256": table.digest, "rows": len(rows), "added": report.added,
        "updated": report.updated, "returned": report.returned, "left": report.left,
        "unchanged": report.unchanged, "leavers_marked": leavers, "actor": actor}))
    append_many(registry, session, events)
