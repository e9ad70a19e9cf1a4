"""`charter ack …`: the acknowledgement registry from the command line (messages in French).

This module imports only click at load time: the core works without the ``ack`` extra, and each
command says how to install it when it is missing.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from charter_kit.errors import AckError

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@dataclass
class _Ctx:
    """What every subcommand needs: the project folder and the database URL given."""

    profile: Path
    db: str | None
    _opened: tuple | None = None

    @property
    def root(self) -> Path:
        """The charter project's folder (the profile's)."""
        return self.profile.resolve().parent

    def open(self, *, sync: bool = False):
        """(settings, registry) with the extra checked, the tables upgraded, versions registered."""
        if self._opened is None:
            from charter_kit.ack import EXTRA_HINT, missing_packages

            missing = missing_packages()
            if missing:
                raise AckError("le registre des accusés de réception demande des paquets optionnels absents ("
                               + ", ".join(missing) + ")", hint=f"installez-les : {EXTRA_HINT}")
            if not self.profile.exists() and not (self.root / "releases").is_dir():
                raise AckError(f"{self.profile} : profil introuvable ; le registre vit dans le dossier d'un projet de charte",
                               hint="lancez la commande dans ce dossier ou donnez -p chemin/charter.yml")
            from charter_kit.ack.config import load_config
            from charter_kit.ack.db import Registry, database_url

            config = load_config(self.root)
            registry = Registry(database_url(self.root, self.db or config.database))
            self._opened = (config, registry)
        config, registry = self._opened
        if sync:
            from charter_kit.ack.versions import sync as sync_versions

            for version in sync_versions(registry, config.root):
                click.echo(f"version {version} enregistrée dans le registre", err=True)
        return config, registry


def _actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


@click.group("ack")
@click.option("-p", "--profile", type=click.Path(dir_okay=False, path_type=Path), default=Path("charter.yml"),
              help="Le profil (charter.yml) du projet ; le registre est dans son dossier acks/.")
@click.option("--db", metavar="URL", help="Base du registre (sqlite:///… ou postgresql://…). "
                                          "Défaut : acks/config.yml, $CHARTER_ACK_DATABASE_URL, acks/registry.db.")
@click.pass_context
def ack(ctx: click.Context, profile: Path, db: str | None) -> None:
    """Registre des accusés de réception : qui a reçu quelle version de la charte."""
    ctx.obj = _Ctx(profile, db)


@ack.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier et compter sans rien écrire.")
@click.option("--no-leavers", is_flag=True, help="Ne pas marquer comme partis les absents du fichier "
                                                 "(fichier partiel : une société, un site).")
@click.pass_obj
def import_cmd(obj: _Ctx, file: Path, dry_run: bool, no_leavers: bool) -> None:
    """Importer les salariés d'un fichier CSV ou XLSX (réimport : mises à jour et départs)."""
    from charter_kit.ack.importing import import_employees

    _, registry = obj.open()
    report = import_employees(registry, file, actor=_actor(), leavers=not no_leavers, dry_run=dry_run)
    click.echo(report.summary())


@ack.command("campaign")
@click.argument("version")
@click.option("--population", "populations", multiple=True, metavar="NOM",
              help="Limiter la campagne à une population (répétable). Défaut : tous les salariés actifs.")
@click.pass_obj
def campaign_cmd(obj: _Ctx, version: str, populations: tuple[str, ...]) -> None:
    """Ouvrir la campagne d'accusé de réception d'une version."""
    from charter_kit.ack.campaigns import start_campaign

    _, registry = obj.open(sync=True)
    started = start_campaign(registry, version, populations=populations, actor=_actor())
    kind = "modification substantielle" if started.kind == "substantive" else "modification de forme"
    click.echo(f"campagne {started.version} ({kind}) {'ouverte' if started.created else 'déjà ouverte'} : "
               f"{started.concerned} salarié(s) concerné(s)")
    if started.carried:
        click.echo(f"  {started.carried} accusé(s) reporté(s) depuis une version précédente (seules des "
                   "modifications de forme depuis)")
    if started.reack_required:
        click.echo(f"  {started.reack_required} salarié(s) doivent accuser réception à nouveau (version "
                   "substantielle depuis leur dernier accusé)")
    click.echo(f"Ensuite : 'charter ack send {version}' ou 'charter ack links {version} --csv liens.csv'.")


@ack.command("links")
@click.argument("version")
@click.option("--csv", "target", required=True, metavar="FICHIER",
              help="Écrire les liens personnels dans ce fichier CSV (« - » : la sortie standard).")
@click.pass_obj
def links_cmd(obj: _Ctx, version: str, target: str) -> None:
    """Créer un lien personnel par salarié en attente, pour un publipostage."""
    from charter_kit.ack.invitations import write_links

    config, registry = obj.open(sync=True)
    count, text = write_links(registry, config, version, None if target == "-" else Path(target))
    if target == "-":
        click.echo(text, nl=False)
    else:
        click.echo(f"{count} lien(s) personnel(s) écrit(s) dans {target} (valables {config.token_days} jours)")
    click.echo("Ces liens donnent accès à la page de chaque salarié : transmettez le fichier par un canal sûr, "
               "puis supprimez-le.", err=True)


@ack.command("send")
@click.argument("version")
@click.option("--reminder", is_flag=True, help="Rédiger le courriel comme une relance.")
@click.option("--limit", type=click.IntRange(1), help="N'envoyer qu'aux N premiers salariés en attente.")
@click.pass_obj
def send_cmd(obj: _Ctx, version: str, reminder: bool, limit: int | None) -> None:
    """Envoyer par courriel un lien personnel à chaque salarié en attente."""
    from charter_kit.ack.invitations import send

    config, registry = obj.open(sync=True)
    result = send(registry, config, version, reminder=reminder, limit=limit)
    click.echo(f"{len(result.report.sent)} courriel(s) envoyé(s) par {config.smtp.host}:{config.smtp.port}")
    if result.without_email:
        click.echo(f"  {result.without_email} salarié(s) en attente sans courriel : utilisez "
                   f"'charter ack links {version} --csv' pour eux")
    for inv, reason in result.report.failed:
        click.echo(f"  échec pour {inv.matricule} <{inv.email}> : {reason}", err=True)
    if result.report.failed:
        raise AckError(f"{len(result.report.failed)} courriel(s) non envoyé(s) (liste ci-dessus)",
                       hint="corrigez les adresses puis relancez : seuls les salariés encore en attente reçoivent un courriel")


@ack.command("status")
@click.argument("version", required=False)
@click.option("--pending/--no-pending", default=True, show_default=True, help="Lister les salariés en attente.")
@click.pass_obj
def status_cmd(obj: _Ctx, version: str | None, pending: bool) -> None:
    """Où en est une campagne (défaut : la plus récente)."""
    from charter_kit.ack.campaigns import get_campaign, latest_campaign
    from charter_kit.ack.status import campaign_status, pending as pending_rows, status_text
    from charter_kit.ack.versions import records

    _, registry = obj.open(sync=True)
    with registry.errors("la lecture du registre"), registry.read() as session:
        campaign = get_campaign(session, version) if version else latest_campaign(session)
        if campaign is None:
            raise AckError("aucune campagne ouverte", hint="ouvrez-en une avec 'charter ack campaign VERSION'")
        st = campaign_status(session, campaign)
        rows = pending_rows(session, campaign) if pending else []
        click.echo(status_text(st, records(session), rows))


@ack.command("proof")
@click.argument("matricule")
@click.argument("version", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Fichier PDF à écrire. Défaut : attestation-MATRICULE-VERSION.pdf.")
@click.pass_obj
def proof_cmd(obj: _Ctx, matricule: str, version: str | None, output: Path | None) -> None:
    """Écrire l'attestation PDF d'un accusé de réception (défaut : la dernière version accusée)."""
    from charter_kit.ack.proof import certificate, write_certificate

    config, registry = obj.open()
    cert = certificate(registry, config, matricule, version)
    target = write_certificate(cert, output or Path(cert.filename()))
    click.echo(f"attestation écrite : {target}")
    click.echo(f"  {cert.name}, version {cert.version}, {cert.at_utc} ; événement n° {cert.event_position}")


@ack.command("export")
@click.option("--employee", "matricule", metavar="MATRICULE", help="Les données d'un salarié (droit d'accès, JSON).")
@click.option("--campaign", "version", metavar="VERSION", help="L'état d'une campagne, salarié par salarié.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True,
              help="Format de l'export d'une campagne.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Fichier à écrire.")
@click.pass_obj
def export_cmd(obj: _Ctx, matricule: str | None, version: str | None, fmt: str, output: Path | None) -> None:
    """Exporter les données d'un salarié (--employee) ou l'état d'une campagne (--campaign)."""
    import json

    from charter_kit.fsutil import atomic_write

    if (matricule is None) == (version is None):
        raise click.UsageError("donnez --employee MATRICULE ou --campaign VERSION (l'un des deux)")
    config, registry = obj.open()
    if matricule is not None:
        from charter_kit.ack.exports import employee_export

        text = json.dumps(employee_export(registry, config, matricule, actor=_actor()), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            click.echo(text, nl=False)
        else:
            atomic_write(output, text)
            click.echo(f"données de {matricule} écrites dans {output}", err=True)
        return
    from charter_kit.ack.exports import campaign_csv, campaign_xlsx

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx écrit un fichier : donnez-le avec -o FICHIER")
    with registry.errors("l'export"):
        data = campaign_xlsx(registry, version) if fmt == "xlsx" else "".join(campaign_csv(registry, version))
    if output is None:
        click.echo(data, nl=False)
    else:
        atomic_write(output, data)
        click.echo(f"campagne {version} exportée dans {output}", err=True)


def _anchor(_ctx, _param, values: tuple[str, ...]) -> list[tuple[int, str]]:
    out = []
    for value in values:
        position, sep, digest = value.partition(":")
        if not sep or not position.isdigit() or len(digest) != 64:
            raise click.BadParameter(f"« {value} » n'est pas POSITION:EMPREINTE (64 caractères hexadécimaux)")
        out.append((int(position), digest.lower()))
    return out


@ack.command("verify")
@click.option("--anchor", "anchors", multiple=True, callback=_anchor, metavar="POSITION:EMPREINTE",
              help="Un repère noté auparavant (attestation, vérification précédente) qui doit figurer dans la chaîne.")
@click.pass_obj
def verify_cmd(obj: _Ctx, anchors: list[tuple[int, str]]) -> None:
    """Vérifier toute la chaîne du journal ; signaler le premier maillon rompu."""
    from charter_kit.ack.events import verify

    _, registry = obj.open()
    with registry.errors("la vérification"):
        result = verify(registry, anchors=anchors)
    if not result.ok:
        raise AckError(f"registre altéré : {result.problem}",
                       hint=f"{result.count} événement(s) vérifié(s) avant ce maillon ; restaurez la base depuis "
                            "une sauvegarde et comparez")
    click.echo(f"registre intègre : {result.count} événement(s), {result.acknowledgements} accusé(s) de réception "
               f"conformes au journal" + (f", {result.erased} contenu(s) effacé(s) par une purge" if result.erased else "")
               + (f", {result.anchors} repère(s) retrouvé(s)" if anchors else ""))
    click.echo(f"tête de la chaîne : {result.head_position}:{result.head_hash}")
    click.echo("Notez cette tête hors du registre (procès-verbal, courriel) : --anchor la vérifiera plus tard.")


@ack.command("purge")
@click.option("--before", type=_DATE, metavar="YYYY-MM-DD",
              help="Purger les salariés partis avant cette date. Défaut : la durée retention_years (5 ans).")
@click.option("--dry-run", is_flag=True, help="Compter sans rien effacer.")
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
@click.pass_obj
def purge_cmd(obj: _Ctx, before, dry_run: bool, yes: bool) -> None:
    """Effacer les données des salariés partis depuis plus que la durée de conservation (purge journalisée)."""
    import datetime as dt

    from charter_kit.ack.events import purge

    config, registry = obj.open()
    if before is not None:
        cutoff = before.replace(tzinfo=dt.timezone.utc)
        reason = f"départ avant le {cutoff.date().isoformat()} (date donnée)"
    else:
        now = registry.now()
        cutoff = now.replace(year=now.year - config.retention_years) if not (now.month == 2 and now.day == 29) \
            else now.replace(year=now.year - config.retention_years, day=28)
        reason = f"conservation de {config.retention_years} ans après le départ"
    plan = purge(registry, cutoff, actor=_actor(), reason=reason, dry_run=True)
    click.echo(f"{plan.employees} salarié(s) parti(s) avant le {cutoff.date().isoformat()} : {plan.acknowledgements} "
               f"accusé(s), {plan.tokens} lien(s), {plan.events_erased} événement(s) dont le contenu sera effacé")
    if dry_run:
        return
    if not yes and not click.confirm("Effacer définitivement ces données ?", default=False):
        raise AckError("purge annulée ; rien n'a été effacé")
    done = purge(registry, cutoff, actor=_actor(), reason=reason)
    click.echo(f"purge faite et journalisée (événement n° {done.position}) : {done.employees} salarié(s) effacé(s)")


@ack.command("admin")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
@click.pass_obj
def admin_cmd(obj: _Ctx, username: str, password_stdin: bool) -> None:
    """Créer un compte RH pour le tableau de bord (mot de passe haché avec argon2)."""
    from charter_kit.ack.admins import create_admin

    _, registry = obj.open()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe")
    create_admin(registry, username, password, actor=_actor())
    click.echo(f"compte RH « {username} » créé ; connexion sur /admin")


@ack.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port d'écoute.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Processus de travail (plusieurs : PostgreSQL recommandé).")
@click.pass_obj
def serve_cmd(obj: _Ctx, host: str, port: int, workers: int) -> None:
    """Servir la page des salariés et le tableau de bord RH (uvicorn)."""
    import uvicorn

    from charter_kit.ack.config import PROJECT_ENV
    from charter_kit.ack.db import URL_ENV, database_url

    config, registry = obj.open(sync=True)
    os.environ[PROJECT_ENV] = str(config.root)
    os.environ[URL_ENV] = database_url(config.root, obj.db or config.database)
    registry.close()
    click.echo(f"registre servi sur http://{host}:{port} ({workers} processus) ; Ctrl+C pour arrêter", err=True)
    uvicorn.run("charter_kit.ack.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                proxy_headers=False, server_header=False, log_level="warning")
