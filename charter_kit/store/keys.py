"""The company's signing key: created or imported once, kept in ``<project>/keys/``, never in a release.

``keys/certificate.pem``  the company's certificate: public, committed with the project; it is the
                          trust anchor `charter verify` checks every signature against.
``keys/private-key.pem``  the private key, encrypted with a passphrase (PKCS#8); listed in
                          ``keys/.gitignore``, so it never reaches the repository nor a release.
``keys/config.yml``       optional: ``tsa_url`` (an RFC 3161 timestamp authority) and ``tsa_roots``
                          (the authority's certificate, to check its timestamps).
``keys/retired/``         certificates replaced by ``keys init --replace``, each with the day it was
                          retired and why: old releases keep verifying against them.

Nothing here signs; ``store/signatures.py`` does. The cryptography comes from the ``sign`` extra
(pyhanko, cryptography), imported only when a key is used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from charter_kit.errors import ReleaseError
from charter_kit.i18n import N_, _
from charter_kit.fsutil import atomic_write

KEYS_DIR = "keys"
CERT_FILE = "certificate.pem"
KEY_FILE = "private-key.pem"
CONFIG_FILE = "config.yml"
RETIRED_DIR = "retired"
#: Environment variables that hold passphrases, so scripts and CI never type them.
PASSPHRASE_ENV = "CHARTER_KEY_PASSPHRASE"
P12_PASSPHRASE_ENV = "CHARTER_P12_PASSPHRASE"
MIN_PASSPHRASE = 12
INSTALL_HINT = N_("install the signing extra: pip install 'charter-kit[sign]' (make venv installs it)")


def keys_dir(root: Path) -> Path:
    """Where the project at ``root`` keeps its key and certificate."""
    return Path(root) / KEYS_DIR


def has_certificate(root: Path) -> bool:
    """True when the project signs its releases (it has a certificate)."""
    return (keys_dir(root) / CERT_FILE).is_file()


def require_crypto() -> None:
    """Refuse clearly when the signing extra is not installed."""
    try:
        import cryptography  # noqa: F401
        import pyhanko  # noqa: F401
    except ImportError:
        raise ReleaseError(_("signing needs pyhanko and cryptography, which are not installed"),
                           hint=_(INSTALL_HINT)) from None


@dataclass(frozen=True)
class Anchor:
    """A certificate `verify` trusts: the current one, or a retired one with the day it stopped."""

    path: Path
    pem: bytes
    retired: str | None = None
    """When it was retired (ISO, UTC); None for the current certificate."""
    reason: str | None = None
    """"compromised" (the key leaked: only signatures timestamped before that day count) or "renewed"."""

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (DER), in hex: what HR and legal compare with a copy kept elsewhere."""
        return cert_fingerprint(self.pem)


def cert_fingerprint(pem: bytes) -> str:
    """The SHA-256 fingerprint of a PEM certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return hashlib.sha256(x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)).hexdigest()


def anchors(root: Path, extra: Path | None = None) -> list[Anchor]:
    """The certificates signatures are checked against: the project's, its retired ones, and ``extra``."""
    found = []
    current = keys_dir(root) / CERT_FILE
    if current.is_file():
        found.append(Anchor(current, current.read_bytes()))
    retired = keys_dir(root) / RETIRED_DIR
    if retired.is_dir():
        for pem in sorted(retired.glob("*.pem")):
            note = _yaml(pem.with_suffix(".yml"))
            found.append(Anchor(pem, pem.read_bytes(), str(note.get("retired") or ""), note.get("reason")))
    if extra is not None:
        found.append(Anchor(Path(extra), Path(extra).read_bytes()))
    return found


@dataclass(frozen=True)
class SigningConfig:
    """keys/config.yml: the timestamp authority, if any."""

    tsa_url: str | None = None
    tsa_roots: tuple[Path, ...] = field(default_factory=tuple)


def signing_config(root: Path) -> SigningConfig:
    """The project's signing settings (no file: no timestamp authority)."""
    path = keys_dir(root) / CONFIG_FILE
    data = _yaml(path)
    unknown = sorted(set(data) - {"tsa_url", "tsa_roots"})
    if unknown:
        raise ReleaseError(_("{file}: unknown keys {keys}").format(file=path, keys=", ".join(unknown)),
                           hint=_("keys/config.yml knows tsa_url and tsa_roots"))
    url = data.get("tsa_url")
    if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
        raise ReleaseError(_("{file}: tsa_url: expected an http(s) address, got {got}").format(file=path, got=repr(url)))
    roots = data.get("tsa_roots") or []
    roots = [roots] if isinstance(roots, str) else roots
    return SigningConfig(url, tuple(keys_dir(root) / str(r) for r in roots))


def _yaml(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ReleaseError(_("{file}: not readable YAML ({error})").format(file=path, error=" ".join(str(exc).split()))) \
            from None
    if not isinstance(data, dict):
        raise ReleaseError(_("{file}: expected a mapping").format(file=path))
    return data


# -- creating or importing a key --------------------------------------------------------------------
@dataclass(frozen=True)
class KeyInfo:
    """What `charter keys init` made: the certificate's subject, fingerprint and validity."""

    certificate: Path
    private_key: Path
    subject: str
    fingerprint: str
    not_after: str
    retired: Path | None = None


def init_keys(root: Path, *, company: str, passphrase: str, p12: bytes | None = None,
              p12_passphrase: str | None = None, replace: str | None = None, years: int = 10) -> KeyInfo:
    """Create a key and a self-signed certificate for ``company`` (or import a PKCS#12), encrypted
    with ``passphrase``. ``replace`` ("compromised" or "renewed") retires the current certificate first."""
    require_crypto()
    folder = keys_dir(root)
    cert_path, key_path = folder / CERT_FILE, folder / KEY_FILE
    if len(passphrase) < MIN_PASSPHRASE:
        raise ReleaseError(_("the passphrase must have at least {n} characters").format(n=MIN_PASSPHRASE),
                           hint=_("choose a sentence of several words; keep it apart from the key (see the legal guide)"))
    retired = None
    if cert_path.exists() or key_path.exists():
        if replace is None:
            raise ReleaseError(_("{folder}: a key already exists; nothing was written").format(folder=folder),
                               hint=_("use --replace renewed (or --replace compromised when the key leaked) to retire it"))
        retired = _retire(folder, replace)
    key, cert = _import_p12(p12, p12_passphrase) if p12 is not None else _new_key(company, years)
    from cryptography.hazmat.primitives import serialization

    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, f"# Never commit the private key.\n{KEY_FILE}\n".encode("utf-8"))
    atomic_write(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.BestAvailableEncryption(passphrase.encode("utf-8"))))
    key_path.chmod(0o600)
    pem = cert.public_bytes(serialization.Encoding.PEM)
    atomic_write(cert_path, pem)
    return KeyInfo(cert_path, key_path, cert.subject.rfc4514_string(), cert_fingerprint(pem),
                   cert.not_valid_after_utc.date().isoformat(), retired)


def _retire(folder: Path, reason: str) -> Path:
    """Move the current certificate to keys/retired/<fingerprint>.pem with the day and reason; drop the key."""
    if reason not in ("compromised", "renewed"):
        raise ReleaseError(_("--replace {reason}: expected 'compromised' or 'renewed'").format(reason=reason))
    cert_path = folder / CERT_FILE
    target = None
    if cert_path.exists():
        pem = cert_path.read_bytes()
        target = folder / RETIRED_DIR / f"{cert_fingerprint(pem)[:16]}.pem"
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, pem)
        # The moment, not the day: a timestamp taken earlier the same day still counts.
        note = {"retired": dt.datetime.now(dt.timezone.utc).isoformat(), "reason": reason}
        atomic_write(target.with_suffix(".yml"), yaml.safe_dump(note, sort_keys=False).encode("utf-8"))
        cert_path.unlink()
    (folder / KEY_FILE).unlink(missing_ok=True)
    return target


def _new_key(company: str, years: int):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{company[:40]} – charte (signature)"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, company[:64])])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def _import_p12(data: bytes, passphrase: str | None):
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8") if passphrase else None)
    except ValueError:
        raise ReleaseError(_("the PKCS#12 file cannot be opened: wrong passphrase or not a PKCS#12 file"),
                           hint=_("give its passphrase in {variable} or when asked").format(
                               variable=P12_PASSPHRASE_ENV)) from None
    if key is None or cert is None:
        raise ReleaseError(_("the PKCS#12 file holds no private key with its certificate"))
    return key, cert


def load_private_key(root: Path, passphrase: str | None) -> tuple[bytes, bytes]:
    """The private key (PEM, encrypted) and certificate (PEM) of the project, the passphrase checked."""
    require_crypto()
    folder = keys_dir(root)
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    if not key_path.is_file():
        raise ReleaseError(_("{file}: missing; this project signs its releases ({certificate}) but the private key "
                             "is not on this computer; nothing was written").format(file=key_path,
                                                                                    certificate=cert_path),
                           hint=_("release from the computer that holds the key, or restore it from its safe copy"))
    if not passphrase:
        raise ReleaseError(_("the private key's passphrase is needed to sign the release; nothing was written"),
                           hint=_("set {variable} or type it when asked").format(variable=PASSPHRASE_ENV))
    from cryptography.hazmat.primitives import serialization

    key_pem = key_path.read_bytes()
    try:
        serialization.load_pem_private_key(key_pem, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise ReleaseError(_("{file}: wrong passphrase; nothing was written").format(file=key_path)) from None
    return key_pem, cert_path.read_bytes()
