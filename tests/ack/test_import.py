"""Importing employees: the files an HRIS or a spreadsheet writes, row errors, re-imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ack_support import EMPLOYEES_CSV, write_csv
from charter_kit.ack.db import Employee, Event
from charter_kit.ack.importing import check_rows, import_employees, read_table
from charter_kit.errors import AckError


def rows_of(path: Path):
    return check_rows(read_table(path))[0]


# -- reading: encodings, delimiters, headers (no database) --------------------------------------------
def test_utf8_bom_semicolon_french_headers_first_name_joined(tmp_path):
    table = read_table(write_csv(tmp_path / "a.csv"))
    assert (table.encoding, table.delimiter) == ("UTF-8 with BOM", ";")
    rows, ignored = check_rows(table)
    assert [r.name for r in rows][:3] == ["Ana Durand", "Bruno Martin", "Chloé Petit"]
    assert rows[3].entity == "Horizon Services SAS" and rows[3].establishment == "Lille"
    assert rows[0].population == "managers" and rows[4].email == ""
    assert ignored == []


def test_windows_1252_comma_english_headers(tmp_path):
    text = "Employee ID,Full name,E-mail,Entity,Site\n42,Zoé Lefèvre,zoe@x.example,Société Générale,Évry\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    table = read_table(path)
    assert (table.encoding, table.delimiter) == ("Windows-1252", ",")
    (row,) = check_rows(table)[0]
    assert (row.matricule, row.name, row.entity, row.establishment) == ("42", "Zoé Lefèvre", "Société Générale", "Évry")


def test_utf8_without_bom_tab_and_utf16(tmp_path):
    text = "matricule\tnom\tcourriel\n7\tÅsa Öberg\tasa@x.example\n"
    plain = tmp_path / "t.tsv"
    plain.write_bytes(text.encode("utf-8"))
    utf16 = tmp_path / "u.txt"
    utf16.write_bytes(text.encode("utf-16"))
    for path, encoding in ((plain, "UTF-8"), (utf16, "UTF-16")):
        table = read_table(path)
        assert (table.encoding, table.delimiter) == (encoding, "\t")
        assert rows_of(path)[0].name == "Åsa Öberg"


def test_tolerant_headers(tmp_path):
    text = ("\n  N° salarié ; NOM ET PRÉNOM ; Adresse e-mail ; Entité ; Lieu de travail ; Catégorie ; Service\n"
            "0012 ; Jean Dupont ; jean@x.example ; Horizon SA ; Saclay ; managers ; Achats\n")
    rows, ignored = check_rows(read_table(write_csv(tmp_path / "h.csv", text)))
    assert rows[0].values() == {"matricule": "0012", "name": "Jean Dupont", "email": "jean@x.example",
                                "entity": "Horizon SA", "establishment": "Saclay", "population": "managers"}
    assert ignored == ["Service"]


def test_quoted_delimiters_and_nbsp(tmp_path):
    text = 'id;name;email\n1;"Martin; Paul";paul@x.example\n2;\u00a0Léa\u00a0;lea@x.example\n'
    rows = rows_of(write_csv(tmp_path / "q.csv", text))
    assert [r.name for r in rows] == ["Martin; Paul", "Léa"]


def test_xlsx_numbers_and_formula_like_text(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Matricule", "Nom", "Courriel", "Société"])
    sheet.append([1001, "=HYPERLINK(\"http://evil\")", "a@x.example", "Horizon SA"])
    sheet.append([1002.0, "Brigitte Noël", None, "Horizon SA"])
    sheet["B2"].data_type = "s"  # text that looks like a formula, as a careful HRIS writes it
    path = tmp_path / "rh.xlsx"
    book.save(path)
    table = read_table(path)
    assert table.delimiter is None
    rows = check_rows(table)[0]
    assert [r.matricule for r in rows] == ["1001", "1002"]
    assert rows[0].name.startswith("=HYPERLINK")  # data, kept as text; exports defuse it
    assert rows[1].email == ""


def test_every_row_error_with_its_line(tmp_path):
    text = ("Matricule;Nom;Courriel\n"
            "1;Ana;ana@x.example\n"
            ";Sans matricule;x@x.example\n"        # line 3
            "3;;c@x.example\n"                     # line 4
            "4;Mauvais courriel;pas-une-adresse\n"  # line 5
            "1;Doublon;d@x.example\n"               # line 6
            "6;Même courriel;ANA@x.example\n")      # line 7
    with pytest.raises(AckError) as caught:
        check_rows(read_table(write_csv(tmp_path / "bad.csv", text)))
    message = caught.value.message
    assert "5 problems in bad.csv; nothing was imported" in message
    for fragment in ("bad.csv, line 3: matricule missing", "bad.csv, line 4: name missing",
                     "bad.csv, line 5: e-mail 'pas-une-adresse' invalid",
                     "bad.csv, line 6: matricule 1 already on line 2",
                     "bad.csv, line 7: e-mail ANA@x.example already on line 2"):
        assert fragment in message


def test_control_characters_refused(tmp_path):
    text = 'id;nom;courriel\n1;"Ana\r\nBcc: evil@x.example";a@x.example\n'
    with pytest.raises(AckError, match="line 2: name: control character"):
        check_rows(read_table(write_csv(tmp_path / "c.csv", text)))


def test_missing_columns_named_with_the_headers_found(tmp_path):
    with pytest.raises(AckError) as caught:
        check_rows(read_table(write_csv(tmp_path / "m.csv", "Identité;Adresse\nx;y\n")))
    assert "m.csv, line 1 (headers): matricule column not found" in caught.value.message
    assert "Headers found: 'Identité', 'Adresse'" in caught.value.message


def test_unreadable_files(tmp_path):
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(AckError, match=r"old Excel format \(\.xls\)"):
        read_table(old)
    with pytest.raises(AckError, match="absent.csv: file not found"):
        read_table(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n")
    with pytest.raises(AckError, match="the file is empty"):
        read_table(empty)


# -- writing: all or nothing, re-imports (SQLite and PostgreSQL) --------------------------------------
def count(registry, model, *where):
    with registry.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_bad_row_imports_nothing(registry, tmp_path):
    text = EMPLOYEES_CSV + "H006;;;nobody@x.example;Horizon SA;Paris;\n"
    before = count(registry, Event)
    with pytest.raises(AckError, match="line 7: name missing"):
        import_employees(registry, write_csv(tmp_path / "bad.csv", text), actor="test")
    assert count(registry, Employee) == 0
    assert count(registry, Event) == before


def test_import_then_reimport_updates_leavers_and_returns(registry, tmp_path):
    first = import_employees(registry, write_csv(tmp_path / "v1.csv"), actor="rh")
    assert (first.added, first.updated, first.left) == (5, 0, 0)
    changed = (EMPLOYEES_CSV.replace("bruno.martin@horizon.example", "b.martin@horizon.example")
               .replace("H003;Chloé;Petit;chloe.petit@horizon.example;Horizon Digital SAS;Paris;\n", ""))
    second = import_employees(registry, write_csv(tmp_path / "v2.csv", changed), actor="rh")
    assert (second.added, second.updated, second.left, second.unchanged) == (0, 1, 1, 3)
    with registry.read() as session:
        chloe = session.execute(select(Employee).where(Employee.matricule == "H003")).scalar_one()
        assert not chloe.active and chloe.left_at is not None
        kinds = [k for (k,) in session.execute(select(Event.kind).order_by(Event.id))]
        update = session.execute(select(Event.data).where(Event.kind == "employee.updated")).scalar_one()
    assert kinds.count("employee.added") == 5 and kinds.count("employee.left") == 1
    assert json.loads(update)["changes"] == {"email": ["bruno.martin@horizon.example", "b.martin@horizon.example"]}
    third = import_employees(registry, write_csv(tmp_path / "v3.csv"), actor="rh")
    assert (third.returned, third.updated) == (1, 1)
    assert count(registry, Employee, Employee.active.is_(True)) == 5


def test_partial_file_without_leavers(registry, tmp_path):
    import_employees(registry, write_csv(tmp_path / "all.csv"), actor="rh")
    part = "Matricule;Nom;Courriel\nH001;Ana Durand-Roy;ana.durand@horizon.example\n"
    report = import_employees(registry, write_csv(tmp_path / "part.csv", part), actor="rh", leavers=False)
    assert (report.updated, report.left) == (1, 0)
    assert count(registry, Employee, Employee.active.is_(True)) == 5


def test_dry_run_writes_nothing(registry, tmp_path):
    report = import_employees(registry, write_csv(tmp_path / "a.csv"), actor="rh", dry_run=True)
    assert report.added == 5 and "dry run: nothing was written; 5 added" in report.summary()
    assert count(registry, Employee) == 0
