"""Signed releases (issue 14): `charter keys init`, the PAdES signature of the annex, the detached
CMS signature of release.yml, RFC 3161 timestamps from a local authority, and `charter verify`
catching a release whose digests were recomputed after tampering. Signatures are read back with
pyhanko's own validator, not only through charter-kit."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import assert_user_error, run
from tsa import start_tsa, write_config

from charter_kit.model.release import sha256

# Each test releases a PDF and signs it: seconds each.
pytestmark = pytest.mark.slow

PASSPHRASE = "une phrase secrète assez longue"


@pytest.fixture(scope="module")
def tsa():
    """A timestamp authority on 127.0.0.1 for the whole module."""
    local = start_tsa()
    yield local
    local.stop()


@pytest.fixture
def keyed(mini, monkeypatch, tsa):
    """A mini project with a company key, a timestamp authority, and release 1.0.0 signed."""
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", PASSPHRASE)
    profile = mini()
    result = run("keys", "init", "-p", profile)
    assert result.exit_code == 0, result.output
    write_config(profile.parent / "keys", tsa)
    result = run("release", "1.0.0", "-p", profile, "--date", "2026-12-01", "--force")
    assert result.exit_code == 0, result.output
    return profile


def _folder(profile: Path, version: str = "1.0.0") -> Path:
    return profile.parent / "releases" / version


def _pdf(profile: Path, version: str = "1.0.0") -> Path:
    return next(p for p in _folder(profile, version).glob("*.pdf") if "guide" not in p.name)


def _reseal(release_yml: Path, text: str) -> None:
    """Write release.yml with a correct seal, as an attacker who recomputes every digest would."""
    body = text[: text.index("seal: ")]
    release_yml.write_text(body + f"seal: {sha256(body.encode('utf-8'))}\n", encoding="utf-8")


# -- keys ------------------------------------------------------------------------------------------
def test_keys_init_writes_an_encrypted_key_kept_out_of_git(mini, monkeypatch):
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", PASSPHRASE)
    profile = mini()
    result = run("keys", "init", "-p", profile)
    assert result.exit_code == 0, result.output
    keys = profile.parent / "keys"
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in (keys / "private-key.pem").read_bytes()
    assert (keys / "private-key.pem").stat().st_mode & 0o077 == 0
    assert "private-key.pem" in (keys / ".gitignore").read_text().split()
    assert b"BEGIN CERTIFICATE" in (keys / "certificate.pem").read_bytes()
    assert re.search(r"SHA-256 fingerprint [0-9a-f]{64}", result.output)
    assert_user_error(run("keys", "init", "-p", profile), "a key already exists")


def test_a_short_passphrase_is_refused(mini, monkeypatch):
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", "court")
    profile = mini()
    assert_user_error(run("keys", "init", "-p", profile), "at least 12 characters")
    assert not (profile.parent / "keys" / "private-key.pem").exists()


def test_keys_import_a_pkcs12(mini, monkeypatch, tmp_path):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    from charter_kit.store.keys import _new_key

    key, cert = _new_key("Acme SAS", 1)
    p12 = tmp_path / "acme.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"acme", key, cert, None, BestAvailableEncryption(b"p12-pass")))
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CHARTER_P12_PASSPHRASE", "wrong")
    profile = mini()
    assert_user_error(run("keys", "init", "-p", profile, "--import", p12), "wrong passphrase")
    monkeypatch.setenv("CHARTER_P12_PASSPHRASE", "p12-pass")
    assert run("keys", "init", "-p", profile, "--import", p12).exit_code == 0
    assert run("release", "1.0.0", "-p", profile, "--date", "2026-12-01", "--force").exit_code == 0
    verified = run("verify", "-p", profile)
    assert verified.exit_code == 0, verified.output
    assert "Acme SAS – charte (signature)" in verified.output


# -- signing ---------------------------------------------------------------------------------------
def test_release_signs_the_annex_and_release_yml_with_timestamps(keyed, tsa):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    folder = _folder(keyed)
    assert (folder / "release.yml.p7s").is_file()
    assert "release.yml.p7s" not in (folder / "release.yml").read_text()  # it signs release.yml, not listed in it
    assert not any("private" in p.name for p in folder.iterdir())
    anchor = load_cert_from_pemder(str(keyed.parent / "keys" / "certificate.pem"))
    tsa_root = load_cert_from_pemder(str(keyed.parent / "keys" / "tsa-root.pem"))
    reader = PdfFileReader(io.BytesIO(_pdf(keyed).read_bytes()))
    [signature] = [s for s in reader.embedded_signatures if s.field_name == "Signature-entreprise"]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[anchor]),
                                    ts_validation_context=ValidationContext(trust_roots=[tsa_root]))
    assert status.intact and status.valid and status.trusted
    assert status.docmdp_ok and status.timestamp_validity is not None and status.timestamp_validity.trusted
    assert tsa.count >= 2  # the PDF's signature and release.yml's were both stamped


def test_the_signed_annex_stays_pdf_a_3a(keyed):
    with pikepdf.open(_pdf(keyed)) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "A")
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        sig = next(f for f in pdf.Root.AcroForm.Fields if str(f.get("/T")) == "Signature-entreprise")
        assert int(sig.F) & 4 and not int(sig.F) & (1 | 2 | 32)  # printed, neither hidden nor invisible


def test_verify_says_what_each_signature_proves(keyed):
    result = run("verify", "-p", keyed)
    assert result.exit_code == 0, result.output
    assert "release.yml: signature intact" in result.output
    assert "timestamp" in result.output and "from a timestamp authority" in result.output
    assert "1 of 1 release verified" in result.output


def test_wrong_passphrase_writes_nothing(keyed, monkeypatch):
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", "not the right passphrase")
    profile = keyed
    profile.write_text(profile.read_text().replace("LinkedIn", "Mastodon"))
    assert_user_error(run("release", "1.1.0", "-p", profile, "--date", "2026-12-02", "--force"), "wrong passphrase")
    assert not _folder(profile, "1.1.0").exists()


def test_a_project_that_signs_refuses_to_release_without_its_key(keyed):
    (keyed.parent / "keys" / "private-key.pem").unlink()
    keyed.write_text(keyed.read_text().replace("LinkedIn", "Mastodon"))
    assert_user_error(run("release", "1.1.0", "-p", keyed, "--date", "2026-12-02", "--force"), "private-key.pem: missing")


# -- tampering -------------------------------------------------------------------------------------
def test_tampered_notes_with_a_recomputed_seal_fail_on_the_signature(keyed):
    release_yml = _folder(keyed) / "release.yml"
    text = release_yml.read_text()
    _reseal(release_yml, text.replace("notes: null", "notes: Version approuvée par le CSE."))
    result = run("verify", "-p", keyed)
    assert_user_error(result, "release.yml: the signature does not match the content")
    assert "seal" not in result.output  # the digests hold: only the signature catches it


def test_a_replaced_annex_with_recomputed_digests_fails(keyed):
    """The attacker swaps the annex for an unsigned one of his own and recomputes every digest."""
    from charter_kit.compose.pipeline import load_project
    from charter_kit.outputs.pdf import render_pdf

    folder, pdf = _folder(keyed), _pdf(keyed)
    forged = render_pdf(load_project(keyed).charter.with_release(version="1.0.0", date="2026-12-01",
                                                                effective_date=None))
    pdf.write_bytes(forged)
    release_yml = folder / "release.yml"
    data = yaml.safe_load(release_yml.read_text())
    text = release_yml.read_text().replace(data["files"][pdf.name], sha256(forged))
    _reseal(release_yml, text)
    result = run("verify", "-p", keyed)
    assert_user_error(result, "release.yml: the signature does not match the content",
                      f"{pdf.name}: not signed, although release.yml is")


def test_a_removed_signature_fails(keyed):
    (_folder(keyed) / "release.yml.p7s").unlink()
    assert_user_error(run("verify", "-p", keyed), "not signed, although the project signs its releases since")


def test_a_signature_by_another_key_is_not_trusted(keyed, tmp_path):
    """A forger who re-signs with a key of his own: intact, but not the project's certificate."""
    other = tmp_path / "other"
    shutil.copytree(keyed.parent, other)
    shutil.rmtree(other / "keys")
    assert run("keys", "init", "-p", other / "charter.yml").exit_code == 0
    from charter_kit.store.signatures import load_signer

    signer = load_signer(other, PASSPHRASE, "Faussaire")
    release_yml = _folder(keyed) / "release.yml"
    (_folder(keyed) / "release.yml.p7s").write_bytes(signer.sign_file(release_yml.read_bytes()))
    assert_user_error(run("verify", "-p", keyed), "which is not the project's certificate")


def test_a_compromised_key_keeps_timestamped_releases_valid(keyed):
    result = run("keys", "init", "-p", keyed, "--replace", "compromised")
    assert result.exit_code == 0, result.output
    retired = list((keyed.parent / "keys" / "retired").glob("*.pem"))
    assert len(retired) == 1 and yaml.safe_load(retired[0].with_suffix(".yml").read_text())["reason"] == "compromised"
    verified = run("verify", "-p", keyed)
    assert verified.exit_code == 0, verified.output
    assert "retired" in verified.output and "compromised" in verified.output


def test_a_compromised_key_without_timestamp_fails(mini, monkeypatch):
    monkeypatch.setenv("CHARTER_KEY_PASSPHRASE", PASSPHRASE)
    profile = mini()
    assert run("keys", "init", "-p", profile).exit_code == 0
    assert run("release", "1.0.0", "-p", profile, "--date", "2026-12-01", "--force").exit_code == 0
    assert run("verify", "-p", profile).exit_code == 0
    assert run("keys", "init", "-p", profile, "--replace", "compromised").exit_code == 0
    assert_user_error(run("verify", "-p", profile), "declared compromised",
                      "no trusted timestamp proves the signature was made before")


def test_the_signed_annex_passes_the_pdf_a_checks(keyed):
    import pdfa

    assert pdfa.problems(_pdf(keyed).read_bytes()) == []


def test_an_employee_signs_the_acknowledgement_field_without_breaking_the_company_signature(keyed, tmp_path):
    """The company's certification allows form filling and signing: the employee's signature in
    the empty field is an allowed change, and both signatures check out."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from charter_kit.store.keys import _new_key
    from cryptography.hazmat.primitives import serialization

    key, cert = _new_key("Jeanne Roy", 1)
    (tmp_path / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    (tmp_path / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    employee = signers.SimpleSigner.load(str(tmp_path / "k.pem"), str(tmp_path / "c.pem"))
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(_pdf(keyed).read_bytes())),
                              signers.PdfSignatureMetadata(field_name="Signature-salarie"), signer=employee)
    reader = PdfFileReader(signed)
    company = next(s for s in reader.embedded_signatures if s.field_name == "Signature-entreprise")
    mine = next(s for s in reader.embedded_signatures if s.field_name == "Signature-salarie")
    anchor = load_cert_from_pemder(str(keyed.parent / "keys" / "certificate.pem"))
    status = validate_pdf_signature(company, ValidationContext(trust_roots=[anchor]))
    assert status.intact and status.trusted and status.docmdp_ok
    assert status.modification_level.name in ("FORM_FILLING", "LTA_UPDATES")
    own = validate_pdf_signature(mine, ValidationContext(trust_roots=[load_cert_from_pemder(str(tmp_path / "c.pem"))]))
    assert own.intact and own.trusted
