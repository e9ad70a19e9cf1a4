"""The registry's settings: ``acks/config.yml`` in the charter project, all keys optional.

```yaml
database: postgresql://accuses@db.interne/accuses   # défaut : SQLite acks/registry.db
public_url: https://accuses.groupe-horizon.example  # début des liens personnels
identification: [link, sso]      # link (liens personnels), sso (en-tête du mandataire)
token_days: 60                   # durée de validité d'un lien
timezone: Europe/Paris           # heure locale des reçus et attestations
retention_years: 5               # conservation après le départ du salarié
rate_limit: {attempts: 20, minutes: 15}
privacy_notice: |                # remplace la notice par défaut
  …
sso:
  header: X-Remote-User          # identifiant transmis par le mandataire
  match: matricule               # ou email
  trusted_proxies: [127.0.0.1]   # seules ces adresses peuvent transmettre l'en-tête
  groups_header: X-Remote-Groups
  admin_group: rh-accuses        # groupe qui ouvre le tableau de bord RH
smtp:
  host: smtp.groupe-horizon.example
  port: 587
  security: starttls             # none | starttls | ssl
  username: accuses
  password_env: CHARTER_ACK_SMTP_PASSWORD   # le mot de passe n'est jamais écrit dans ce fichier
  sender: "Ressources humaines <rh@groupe-horizon.example>"
```

Secrets never live in this file: the SMTP password comes from the variable ``password_env``
names, the cookie secret from ``CHARTER_ACK_SECRET`` or the registry itself.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from charter_kit.errors import AckError, closest
from charter_kit.i18n import N_, _

CONFIG_PATH = Path("acks") / "config.yml"
PROJECT_ENV = "CHARTER_ACK_PROJECT"


@dataclass(frozen=True)
class SsoConfig:
    """Single sign-on through a trusted reverse proxy's header."""

    header: str = "X-Remote-User"
    match: str = "matricule"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    groups_header: str = "X-Remote-Groups"
    admin_group: str = ""

    def trusts(self, address: str | None) -> bool:
        """True when ``address`` is one of the configured proxies (addresses or networks)."""
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        for item in self.trusted_proxies:
            try:
                if ip in ipaddress.ip_network(item, strict=False):
                    return True
            except ValueError:
                continue
        return False


@dataclass(frozen=True)
class SmtpConfig:
    """The mail server reminders and links go through."""

    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"
    username: str = ""
    password_env: str = ""
    sender: str = ""
    timeout: int = 30

    def password(self) -> str:
        """The password, read from the environment variable the settings name."""
        return os.environ.get(self.password_env, "") if self.password_env else ""


@dataclass(frozen=True)
class AckConfig:
    """Every setting of the registry for one charter project."""

    root: Path
    database: str | None = None
    public_url: str = "http://127.0.0.1:8765"
    identification: tuple[str, ...] = ("link",)
    token_days: int = 60
    timezone: str = "Europe/Paris"
    retention_years: int = 5
    rate_limit_attempts: int = 20
    rate_limit_minutes: int = 15
    privacy_notice: str | None = None
    sso: SsoConfig = field(default_factory=SsoConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)

    @property
    def sso_enabled(self) -> bool:
        """True when employees may identify through the proxy's header."""
        return "sso" in self.identification

    def link(self, token: str) -> str:
        """An employee's personal link."""
        return f"{self.public_url.rstrip('/')}/a/{token}"

    def with_(self, **changes: Any) -> "AckConfig":
        """A copy with some settings changed (command-line options, tests)."""
        return replace(self, **changes)


_TOP = {"database": str, "public_url": str, "identification": list, "token_days": int, "timezone": str,
        "retention_years": int, "rate_limit": dict, "privacy_notice": str, "sso": dict, "smtp": dict}
_SSO = {"header": str, "match": str, "trusted_proxies": list, "groups_header": str, "admin_group": str}
_SMTP = {"host": str, "port": int, "security": str, "username": str, "password_env": str, "sender": str,
         "timeout": int}
_RATE = {"attempts": int, "minutes": int}


def load_config(root: Path) -> AckConfig:
    """The settings of the project at ``root`` (defaults when acks/config.yml is absent)."""
    root = Path(root).resolve()
    path = root / CONFIG_PATH
    if not path.exists():
        return AckConfig(root=root)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise AckError(_("{file}: cannot be read ({reason})").format(file=path, reason=exc)) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        problem = getattr(exc, "problem", exc)
        if line is not None:
            raise AckError(_("{file}, line {line}: invalid YAML ({problem})").format(
                file=path, line=line + 1, problem=problem)) from None
        raise AckError(_("{file}: invalid YAML ({problem})").format(file=path, problem=problem)) from None
    if not isinstance(data, dict):
        raise AckError(_("{file}: the file must hold keys (database, public_url, smtp…)").format(file=path))
    _check(path, "", data, _TOP)
    sso = data.get("sso") or {}
    smtp = data.get("smtp") or {}
    rate = data.get("rate_limit") or {}
    _check(path, "sso.", sso, _SSO)
    _check(path, "smtp.", smtp, _SMTP)
    _check(path, "rate_limit.", rate, _RATE)
    ident = tuple(data.get("identification") or ("link",))
    if not ident or any(i not in ("link", "sso") for i in ident):
        raise AckError(_("{file}: identification: possible values link and sso, got {value}").format(
            file=path, value=list(ident)))
    if smtp.get("security", "none") not in ("none", "starttls", "ssl"):
        raise AckError(_("{file}: smtp.security: none, starttls or ssl, got {value}").format(
            file=path, value=repr(smtp["security"])))
    if sso.get("match", "matricule") not in ("matricule", "email"):
        raise AckError(_("{file}: sso.match: matricule or email, got {value}").format(
            file=path, value=repr(sso["match"])))
    proxies = tuple(str(p) for p in sso.get("trusted_proxies", SsoConfig.trusted_proxies))
    for p in proxies:
        try:
            ipaddress.ip_network(p, strict=False)
        except ValueError:
            raise AckError(_("{file}: sso.trusted_proxies: '{value}' is neither an IP address nor a network").format(
                file=path, value=p)) from None
    config = AckConfig(
        root=root, database=data.get("database"), public_url=data.get("public_url", AckConfig.public_url),
        identification=ident, token_days=data.get("token_days", 60), timezone=data.get("timezone", "Europe/Paris"),
        retention_years=data.get("retention_years", 5), rate_limit_attempts=rate.get("attempts", 20),
        rate_limit_minutes=rate.get("minutes", 15), privacy_notice=data.get("privacy_notice"),
        sso=SsoConfig(**{**{k: v for k, v in sso.items() if k != "trusted_proxies"}, "trusted_proxies": proxies}),
        smtp=SmtpConfig(**smtp))
    _check_timezone(path, config.timezone)
    return config


#: What a key of each type expects, as the error says it.
_EXPECTED = {str: N_("a text"), int: N_("a whole number"), list: N_("a list"), dict: N_("keys")}


def _check(path: Path, prefix: str, data: dict, schema: dict[str, type]) -> None:
    for key, value in data.items():
        if key not in schema:
            near = closest(str(key), schema)
            hint = _("possible keys: {keys}").format(keys=", ".join(prefix + k for k in schema))
            if near:
                raise AckError(_("{file}: unknown key {key}; did you mean {near}?").format(
                    file=path, key=f"{prefix}{key}", near=f"{prefix}{near}"), hint=hint)
            raise AckError(_("{file}: unknown key {key}").format(file=path, key=f"{prefix}{key}"), hint=hint)
        expected = schema[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise AckError(_("{file}: {key}: {expected} expected, got {value}").format(
                file=path, key=f"{prefix}{key}", expected=_(_EXPECTED[expected]), value=repr(value)))


def _check_timezone(path: Path, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AckError(_("{file}: timezone: unknown time zone '{name}'").format(file=path, name=name),
                       hint=_("for example Europe/Paris")) from None


def default_privacy_notice(retention_years: int, dpo_email: str) -> str:
    """The privacy notice shown on the employee page unless the settings replace it."""
    contact = f"écrivez à {dpo_email}" if dpo_email else "adressez-vous au service des ressources humaines"
    return (
        "Ce que nous enregistrons : votre matricule, vos nom, courriel, société et établissement (issus du "
        "fichier du personnel), la version de la charte, la date et l'heure de votre accusé de réception, le "
        "moyen utilisé (lien personnel ou connexion d'entreprise) et l'adresse IP de la connexion.\n"
        "Pourquoi : pouvoir établir que vous avez reçu la charte et pu en prendre connaissance. Ce traitement "
        "repose sur l'intérêt légitime de l'employeur (RGPD, article 6, paragraphe 1, point f).\n"
        f"Combien de temps : pendant votre contrat, puis {retention_years} ans après votre départ ; ces données "
        "sont ensuite effacées.\n"
        "Qui y a accès : le service des ressources humaines et, en cas de litige, les personnes chargées de le traiter.\n"
        f"Vos droits : accès, rectification, limitation et opposition ; {contact}. Vous pouvez aussi adresser "
        "une réclamation à la CNIL.")
