"""The published site links each version released with ``ack.url`` to the registry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from charter_kit.cli import cli


def test_ack_url_reaches_the_charter_and_the_home_page(horizon):
    from charter_kit.model.charter import Charter
    from charter_kit.outputs.site import home_page

    profile = horizon / "charter.yml"
    plain = CliRunner().invoke(cli, ["render", "-p", str(profile), "--format", "json"])
    assert plain.exit_code == 0, plain.output
    assert "ack_url" not in json.loads(plain.output)["site"]  # unset: the charter (and its digest) is unchanged
    profile.write_text(profile.read_text(encoding="utf-8")
                       + "\nack:\n  url: https://accuses.groupe-horizon.example/?x=1&y=2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", "-p", str(profile), "--format", "json"])
    assert result.exit_code == 0, result.output
    charter = Charter.from_json(result.output)
    assert charter.site["ack_url"] == "https://accuses.groupe-horizon.example/?x=1&y=2"
    page = home_page(charter.with_release(version="2.1.0", date="2027-10-01", effective_date="2027-11-01"),
                     "charte.pdf")
    assert '<a class="md-button" href="https://accuses.groupe-horizon.example/?x=1&amp;y=2">' in page
    assert "Accuser réception de la version 2.1.0" in page
    assert "Accuser réception" not in home_page(Charter.from_json(plain.output), "charte.pdf")


def test_ack_url_must_be_a_web_address(horizon):
    profile = horizon / "charter.yml"
    profile.write_text(profile.read_text(encoding="utf-8") + "\nack:\n  url: javascript:alert(1)\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "-p", str(profile)])
    assert result.exit_code == 1 and "ack.url" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_the_built_site_shows_the_link(horizon, tmp_path):
    """The real site build (MkDocs, strict, sanitised) keeps the link on the version's home page."""
    from charter_kit.model.charter import Charter
    from charter_kit.outputs.site import build_site

    profile = horizon / "charter.yml"
    profile.write_text(profile.read_text(encoding="utf-8") + "\nack:\n  url: https://accuses.groupe-horizon.example\n",
                       encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", "-p", str(profile), "--format", "json"])
    charter = Charter.from_json(result.output).with_release(version="2.1.0", date="2027-10-01",
                                                            effective_date="2027-11-01")
    build_site(charter, tmp_path / "site", pdf_name="charte.pdf")
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://accuses.groupe-horizon.example"' in html
    assert "Accuser réception de la version 2.1.0" in html
