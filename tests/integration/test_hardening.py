"""Hardening: damaged release stores, failing writers, odd inputs, reproducible bytes.

Killed writers are in test_interruptions.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINI_PROFILE, assert_user_error, run, write_tree

CHARTER = [sys.executable, "-m", "charter_kit"]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


DAMAGE = {
    "missing charter.json": (lambda r: (r / "charter.json").unlink(), "charter.json"),
    "corrupt charter.json": (lambda r: (r / "charter.json").write_text("{not json"), "charter.json"),
    "charter.json is a list": (lambda r: (r / "charter.json").write_text("[]"), "charter.json"),
    "missing release.yml": (lambda r: (r / "release.yml").unlink(), "release.yml"),
    "corrupt release.yml": (lambda r: (r / "release.yml").write_text("version: [unclosed\n"), "release.yml"),
    "hand-edited release.yml": (
        lambda r: (r / "release.yml").write_text((r / "release.yml").read_text().replace("2026-01-05", "2026-01-06")),
        "release.yml"),
    "release.yml not UTF-8": (lambda r: (r / "release.yml").write_bytes(b"version: 1.0.0\xff\n"), "release.yml"),
    "missing PDF": (lambda r: next(r.glob("*.pdf")).unlink(), "pdf"),
}


@pytest.mark.parametrize("name", DAMAGE)
@pytest.mark.parametrize("command", [["verify"], ["diff", "1.0.0", "1.1.0"], ["publish", "--on", "2026-03-01"]])
def test_a_damaged_release_gives_one_clean_error(store, name, command):
    damage, fragment = DAMAGE[name]
    damage(store.parent / "releases" / "1.0.0")
    before = files(store.parent / "releases")
    result = run(*command, "-p", store)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert fragment in result.output.lower() or fragment in result.output, result.output
    assert files(store.parent / "releases") == before
    assert not (store.parent / "public").exists()


@pytest.mark.parametrize("version", ["2026.1", "v1", "1.0", "1.0.0.0", "01.0.0", "../1.2.0", "1.2.0/../x"])
def test_versions_that_are_not_semver_are_refused(store, version):
    before = files(store.parent)
    result = run("release", version, "-p", store, "--date", "2026-03-05")
    assert result.exit_code in (1, 2) and "Traceback" not in result.output
    assert "semantic version" in result.output
    assert files(store.parent) == before


def test_a_writer_failure_leaves_no_release_behind(store):
    from charter_kit.store import releases

    store.write_text(store.read_text().replace("Mastodon", "Bluesky"))
    real_open = open

    def failing_open(path, mode="r", *a, **k):
        fh = real_open(path, mode, *a, **k)
        if "b" in mode and "w" in mode and str(path).endswith(".pdf"):
            fh.close()
            raise OSError(28, "No space left on device")
        return fh

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(releases, "open", failing_open, raising=False)
        result = run("release", "1.2.0", "-p", store, "--date", "2026-03-05")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "No space left on device" in result.output and "internal error" not in result.output, result.output
    assert sorted(p.name for p in (store.parent / "releases").iterdir()) == ["1.0.0", "1.1.0"]
    assert run("release", "1.2.0", "-p", store, "--date", "2026-03-05").exit_code == 0


@pytest.mark.slow
def test_a_library_of_two_thousand_modules(tmp_path, monkeypatch):
    tree = {}
    for i in range(2000):
        tree[f"m{i:04d}/module.yml"] = (f"id: m{i:04d}\nversion: 1.0.0\ntitle: {{fr: Module {i}}}\n"
                                        f"summary: {{fr: Résumé {i}}}\norder: {i}\n")
        tree[f"m{i:04d}/fr.md"] = f"Intro {i}.\n\n## Règle {i} {{#regle .regle}}\nTexte {i}.\n"
    write_tree(tmp_path / "lib", tree)
    monkeypatch.setenv("CHARTER_KIT_LIBRARY", str(tmp_path / "lib"))
    table = run("modules", "-p", tmp_path / "none.yml")
    assert table.exit_code == 0 and len(table.stdout.splitlines()) == 2002
    profile = "company: {name: Acme}\nmodules: [" + ", ".join(f"m{i:04d}" for i in range(0, 2000, 10)) + "]\n"
    write_tree(tmp_path, {"charter.yml": profile})
    assert run("check", "-p", tmp_path / "charter.yml").exit_code == 0


@pytest.mark.slow
@pytest.mark.parametrize("paragraphs", [4_500, 10_100])
def test_a_module_of_megabytes_checks_or_is_refused_at_the_output_limit(mini, paragraphs):
    from charter_kit.templating import MAX_OUTPUT

    body = ("Une phrase ordinaire de la charte, assez longue pour remplir la ligne. " * 14 + "\n\n") * paragraphs
    meta = "id: gros\nversion: 1.0.0\ntitle: {fr: Gros}\nsummary: {fr: x}\norder: 90\n"
    path = mini(MINI_PROFILE + "  - gros\nlocal_modules: modules\n",
                {"modules/gros/module.yml": meta, "modules/gros/fr.md": "## Tout {#tout .regle}\n" + body})
    result = run("check", "-p", path)
    if len(body) < MAX_OUTPUT:  # 4.6 MB: checked like any module
        assert result.exit_code == 0, result.output[:300]
    else:  # 10.3 MB: more than a module may write, refused naming the file and line
        assert (path.parent / "modules/gros/fr.md").stat().st_size > 10_000_000
        assert_user_error(result, "modules/gros/fr.md, line 1", "writes too much")


@pytest.mark.parametrize("module_id", ["../../etc/passwd", "/etc", "socle/../alpha", "ALPHA", "аlpha"])
def test_module_ids_cannot_reach_files(mini, module_id):
    result = run("check", "-p", mini(MINI_PROFILE + f"  - {module_id!r}\n".replace("'", '"')))
    assert_user_error(result, "unknown module")
    assert_user_error(run("modules", "show", module_id), "unknown module")


def test_an_output_path_that_cannot_be_created(mini):
    path = mini()
    (path.parent / "fichier").write_text("x")
    assert_user_error(run("render", "-p", path, "-o", path.parent / "fichier" / "charte.md"), "cannot create the folder")
    assert_user_error(run("diff", "draft", "draft", "-p", path, "--format", "json", "-o", path.parent / "fichier" / "d.json"),
                      "cannot create the folder")


@pytest.mark.slow
def test_release_files_are_identical_across_folders_times_and_locales(mini, tmp_path):
    first = mini()
    other = tmp_path / "elsewhere"
    shutil.copytree(first.parent, other)
    runs = [(first, {"TZ": "UTC", "LANG": "C.UTF-8"}), (other / "charter.yml", {"TZ": "Pacific/Kiritimati", "LANG": "fr_FR.UTF-8"})]
    for profile, extra in runs:
        env = {**os.environ, **extra}
        out = subprocess.run(CHARTER + ["release", "1.0.0", "-p", str(profile), "--date", "2026-01-05"],
                             env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        time.sleep(1.1)  # a second apart: no clock may leak into the bytes
    assert files(first.parent / "releases") == files(other / "releases")


PAYLOAD = '<script>alert("ck")</script><img src=x onerror=alert(1)>{{ 7*7 }}[x](javascript:alert(2))'


@pytest.mark.slow
def test_html_and_javascript_in_every_profile_field_stay_inert_in_site_pdf_and_docx(mini, tmp_path):
    import io
    import json
    import zipfile

    import pypdf

    quoted = json.dumps(PAYLOAD)
    profile = f"""
charter: {{title: {quoted}, jurisdiction: fr}}
company: {{name: {quoted}, legal_name: {quoted}}}
contacts:
  juridique: {{name: {quoted}, email: juridique@acme.example, phone: {quoted}}}
modules:
  - id: alpha
    variables: {{reseau: {quoted}, exemples: [{quoted}], ton: sobre}}
    options: {{embargo: true}}
overrides:
  alpha.doute: {{text: {quoted}, title: {quoted}}}
"""
    path = mini(profile)
    result = run("build", "-p", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    site = tmp_path / "out" / "site"
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert '<script>alert("ck")' not in html and "<img src=x" not in html, page
        assert 'href="javascript:' not in html, page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;ck&#34;)&lt;/script&gt;" in home or "&lt;script&gt;alert(&quot;ck&quot;)" in home
    pdf = next((tmp_path / "out").glob("*.pdf")).read_bytes()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert '<script>alert("ck")</script>' in text.replace("\n", "")  # shown as text, never run
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf
    assert run("release", "1.0.0", "-p", path, "--date", "2026-01-05").exit_code == 0
    docx = tmp_path / "d.docx"
    path.write_text(path.read_text().replace("ton: sobre", "ton: chaleureux"))
    assert run("diff", "-p", path, "--format", "docx", "-o", docx).exit_code == 0
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert "&lt;script&gt;" in xml and "<script>" not in xml


@pytest.mark.slow
def test_builds_are_identical_across_folders_times_and_locales(tmp_path):
    from conftest import LISTED_EXAMPLE

    copies = []
    for name, extra in (("a", {"TZ": "UTC", "LANG": "C.UTF-8"}), ("b", {"TZ": "Asia/Tokyo", "LANG": "fr_FR.UTF-8"})):
        root = tmp_path / name
        shutil.copytree(LISTED_EXAMPLE, root, ignore=shutil.ignore_patterns("build", "public"))
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"} | extra
        out = subprocess.run(CHARTER + ["build", "-p", str(root / "charter.yml")], env=env,
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        copies.append(root / "build")
        time.sleep(1.1)
    first, second = (files(c) for c in copies)
    first = {k: v for k, v in first.items() if not k.startswith(".cache")}
    second = {k: v for k, v in second.items() if not k.startswith(".cache")}
    assert first.keys() == second.keys()
    different = [k for k in first if first[k] != second[k]]
    assert different == []
