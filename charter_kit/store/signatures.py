"""Signing a release and checking its signatures (pyhanko, from the ``sign`` extra).

What a release carries once signed:
- the annex (and the guide) with a PAdES signature (ETSI.CAdES.detached) that certifies the PDF:
  later changes are allowed only to fill and sign its form fields (the employee's acknowledgement);
- ``release.yml.p7s``, a detached CMS (PKCS#7) signature of ``release.yml``. Detached because
  release.yml stays byte for byte what earlier versions of charter-kit read, its seal unchanged, and
  any CMS tool (``openssl cms -verify -binary -content release.yml -in release.yml.p7s -inform DER``)
  can check it: release.yml lists the sha256 of every file, so this one signature covers them all;
- an RFC 3161 timestamp in both when keys/config.yml names a timestamp authority (``tsa_url``): a
  third party's proof of *when*, which outlives the key (a leaked key cannot backdate a signature).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charter_kit.errors import ReleaseError
from charter_kit.i18n import _, show_date
from charter_kit.store.keys import Anchor, SigningConfig, has_certificate, load_private_key, signing_config

#: The signature field of the company's signature in the annex.
COMPANY_FIELD = "Signature-entreprise"


@dataclass(frozen=True)
class Signer:
    """The company's key, ready to sign PDFs and files, with its timestamp authority if any."""

    key_pem: bytes
    cert_pem: bytes
    passphrase: str
    company: str
    config: SigningConfig

    def _pyhanko_signer(self):
        from pyhanko.keys import load_private_key_from_pemder_data
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        cert = _cert(self.cert_pem)
        key = load_private_key_from_pemder_data(self.key_pem, passphrase=self.passphrase.encode("utf-8"))
        return signers.SimpleSigner(signing_cert=cert, signing_key=key,
                                    cert_registry=SimpleCertificateStore.from_certs([cert]))

    def _timestamper(self):
        if not self.config.tsa_url:
            return None
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(self.config.tsa_url, timeout=20)

    def sign_pdf(self, pdf: bytes, *, reason: str) -> bytes:
        """``pdf`` with the company's certifying PAdES signature (and a timestamp when configured)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=COMPANY_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
            certify=True, docmdp_permissions=fields.MDPPerm.FILL_FORMS, reason=reason, name=self.company)
        try:
            out = signers.PdfSigner(meta, signer=self._pyhanko_signer(), timestamper=self._timestamper()).sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)))
        except Exception as exc:  # pyhanko wraps network and TSA failures in several classes
            raise _signing_error(exc, self.config) from None
        return out.getvalue()

    def sign_file(self, data: bytes) -> bytes:
        """A detached CMS signature (DER) of ``data``, timestamped when configured."""
        signer = self._pyhanko_signer()
        try:
            signed = asyncio.run(signer.async_sign_general_data(data, "sha256", detached=True,
                                                                timestamper=self._timestamper()))
        except Exception as exc:
            raise _signing_error(exc, self.config) from None
        return signed.dump()


def load_signer(root: Path, passphrase: str | None, company: str) -> Signer | None:
    """The project's signer, or None when the project has no key (its releases are not signed)."""
    if not has_certificate(root):
        return None
    key_pem, cert_pem = load_private_key(root, passphrase)
    return Signer(key_pem, cert_pem, passphrase or "", company, signing_config(root))


def _signing_error(exc: Exception, config: SigningConfig) -> ReleaseError:
    message = " ".join(str(exc).split()) or type(exc).__name__
    if config.tsa_url:
        return ReleaseError(_("signing failed ({error}); nothing was written").format(error=message),
                            hint=_("check that the timestamp authority {url} answers (keys/config.yml)").format(
                                url=config.tsa_url))
    return ReleaseError(_("signing failed ({error}); nothing was written").format(error=message))


# -- verifying --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SignatureCheck:
    """What one signature proves, checked: integrity, the signer's certificate, the timestamp."""

    what: str
    """The file the signature covers ("release.yml", the annex's name)."""
    intact: bool
    trusted: bool
    signer: str = ""
    fingerprint: str = ""
    signed_at: str | None = None
    """The time the signer's computer wrote (not a proof)."""
    timestamp: str | None = None
    """The time a timestamp authority certifies, when there is one and it checks out."""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the signature is intact, by a trusted key, and nothing else is wrong."""
        return self.intact and self.trusted and not self.problems


def _cert(pem: bytes):
    """One certificate (PEM or DER) as pyhanko reads it."""
    from pyhanko.keys import load_certs_from_pemder_data

    return next(iter(load_certs_from_pemder_data(pem)))


def _context(anchors: Sequence[Anchor], extra_roots: Sequence[Path] = ()):
    from pyhanko_certvalidator import ValidationContext

    certs = [_cert(a.pem) for a in anchors] + [_cert(Path(p).read_bytes()) for p in extra_roots]
    return ValidationContext(trust_roots=certs, allow_fetching=False)


def check_pdf(data: bytes, what: str, anchors: Sequence[Anchor], tsa_roots: Sequence[Path] = ()) -> SignatureCheck | None:
    """The company's signature in a PDF, checked; None when the PDF carries no signature."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = [s for s in reader.embedded_signatures if s.field_name == COMPANY_FIELD]
    except Exception as exc:
        return SignatureCheck(what, False, False, problems=(_("{file}: the PDF's signatures cannot be read ({error})")
                                                            .format(file=what, error=exc),))
    if not signatures:
        return None
    try:
        status = validate_pdf_signature(signatures[0], _context(anchors), ts_validation_context=_context(anchors, tsa_roots))
    except Exception as exc:
        return SignatureCheck(what, False, False, problems=(_("{file}: the signature cannot be checked ({error})")
                                                            .format(file=what, error=exc),))
    problems = []
    if status.coverage is None or status.coverage.name not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        problems.append(_("{file}: the signature does not cover the document").format(file=what))
    if not status.docmdp_ok:
        problems.append(_("{file}: the PDF was changed after it was signed beyond filling its form fields").format(
            file=what))
    return _result(what, status, anchors, problems)


def check_file(data: bytes, signature: bytes, what: str, anchors: Sequence[Anchor],
               tsa_roots: Sequence[Path] = ()) -> SignatureCheck:
    """A detached CMS signature of ``data``, checked."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    try:
        info = cms.ContentInfo.load(signature)
        status = asyncio.run(async_validate_detached_cms(data, info["content"], signer_validation_context=_context(anchors),
                                                         ts_validation_context=_context(anchors, tsa_roots)))
    except Exception as exc:
        return SignatureCheck(what, False, False, problems=(_("{file}: the signature file cannot be read ({error})")
                                                            .format(file=what, error=exc),))
    return _result(what, status, anchors, [])


def _result(what: str, status, anchors: Sequence[Anchor], problems: list[str]) -> SignatureCheck:
    import hashlib

    cert = status.signing_cert
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    names = cert.subject.native
    signer = f"'{names.get('common_name') or names.get('organization_name') or cert.subject.human_friendly}'"
    signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
    stamp = status.timestamp_validity
    timestamp = None
    notes = []
    if stamp is not None:
        if stamp.intact and stamp.valid and stamp.trusted:
            timestamp = stamp.timestamp.astimezone(dt.timezone.utc).isoformat()
        else:
            problems.append(_("{file}: the timestamp does not check out (not intact, or its authority is not "
                              "trusted: list its certificate in keys/config.yml, tsa_roots)").format(file=what))
    if not status.intact:
        problems.append(_("{file}: the signature does not match the content: the file was changed after it was "
                          "signed").format(file=what))
    elif not status.valid:
        problems.append(_("{file}: the signature is damaged or made with an unexpected algorithm").format(file=what))
    anchor = next((a for a in anchors if a.fingerprint == fingerprint), None)
    trusted = bool(status.trusted) and anchor is not None
    if status.intact and not trusted:
        problems.append(_("{file}: signed by {signer} (certificate {fingerprint}…), which is not the project's "
                          "certificate (keys/certificate.pem) nor a retired one").format(
            file=what, signer=signer, fingerprint=fingerprint[:16]))
    if anchor is not None and anchor.retired:
        notes.append(_("signed with a key retired on {date} ({reason})").format(date=show_date(anchor.retired),
                                                                              reason=anchor.reason))
        if anchor.reason == "compromised":
            if timestamp is None or dt.datetime.fromisoformat(timestamp) >= dt.datetime.fromisoformat(anchor.retired):
                problems.append(_("{file}: signed with a key declared compromised on {date}, and no trusted "
                                  "timestamp proves the signature was made before that day").format(
                    file=what, date=show_date(anchor.retired)))
    return SignatureCheck(what, bool(status.intact), trusted, signer, fingerprint, signed_at, timestamp,
                          tuple(problems), tuple(notes))


def explain(check: SignatureCheck) -> list[str]:
    """What a signature check proves, in words (`charter verify` prints them)."""
    if not check.ok:
        return []
    lines = [_("{file}: signature intact, by {signer} (certificate {fingerprint}…, the project's key): the "
               "company's key approved these exact bytes").format(file=check.what, signer=check.signer,
                                                                   fingerprint=check.fingerprint[:16])]
    if check.timestamp:
        lines.append(_("{file}: timestamp {time} from a timestamp authority: these bytes existed at that time, "
                       "whatever becomes of the key later").format(file=check.what, time=check.timestamp))
    elif check.signed_at:
        lines.append(_("{file}: signed at {time} by the signer's clock only (no timestamp authority: not a proof "
                       "of date)").format(file=check.what, time=check.signed_at))
    return lines + [f"{check.what}: {n}" for n in check.notes]
