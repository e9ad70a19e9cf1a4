"""The generated Référence pages of charter-kit's own documentation, and the mkdocs hook that adds them.

The pages are made from the code and the module library at every docs build (profile reference
from the JSON Schema, CLI reference from click, module catalogue from ``modules/``), so they cannot
drift. ``mkdocs.yml`` loads this file as a hook; mkdocs then imports it by path with its folder
first on ``sys.path``, so charter-kit's own modules are imported inside functions, once that
temporary path is gone (a module named like a standard one would otherwise shadow it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

REFERENCE = "reference"
CATALOGUE = f"{REFERENCE}/modules"
CATALOGUE_INDEX = f"{CATALOGUE}/index.md"
PROFILE_PAGE = f"{REFERENCE}/profil.md"
CLI_PAGE = f"{REFERENCE}/cli.md"

TYPE_NAMES = {
    "string": "texte court", "text": "texte long", "email": "adresse e-mail", "url": "adresse web",
    "date": "date (AAAA-MM-JJ)", "int": "nombre entier", "bool": "oui ou non (`true` / `false`)",
    "list": "liste de textes", "choice": "choix",
}

#: French descriptions of the profile's keys; a key missing here shows the schema's own text.
#: What the free key of a mapping stands for, shown in the key's path.
MAPPING_KEYS = {"contacts": "rôle", "overrides": "module.clause"}

#: French summaries of the commands; a command missing here shows only its own help text.
COMMAND_TEXT = {
    "charter ack": "Le registre des accusés de réception (module optionnel `charter-kit[ack]`) : qui a reçu "
                   "quelle version de la charte, avec la preuve. Voir le Guide RH.",
    "charter ack admin": "Crée un compte RH pour le tableau de bord (mot de passe haché avec argon2).",
    "charter ack campaign": "Ouvre la campagne d'accusé de réception d'une version : qui doit accuser "
                            "réception, qui en est dispensé parce qu'une version éditoriale reprend son accusé.",
    "charter ack export": "Exporte les données d'un salarié (droit d'accès) ou l'état d'une campagne (CSV, XLSX).",
    "charter ack import": "Importe les salariés d'un fichier CSV ou XLSX ; un nouvel import met à jour et "
                          "marque les départs. Aucune ligne n'est importée si une ligne est fausse.",
    "charter ack links": "Écrit un lien personnel par salarié en attente, pour un publipostage.",
    "charter ack proof": "Écrit l'attestation PDF d'un accusé de réception : qui, quelle version, quand, "
                         "comment, et sa place dans la chaîne du journal.",
    "charter ack purge": "Efface les salariés partis depuis la durée de conservation ; la purge est "
                         "elle-même inscrite au journal.",
    "charter ack send": "Envoie par courriel un lien personnel (ou une relance) à chaque salarié en attente.",
    "charter ack serve": "Sert la page des salariés et le tableau de bord RH (sur 127.0.0.1 par défaut).",
    "charter ack status": "Où en est une campagne : chiffres par société et établissement, salariés en attente.",
    "charter ack verify": "Vérifie toute la chaîne du journal et signale le premier maillon rompu.",
    "charter": "L'outil en ligne de commande de charter-kit. Chaque commande accepte `-h` / `--help`.",
    "charter init": "Crée un projet de charte : un `charter.yml` commenté, le schéma pour l'éditeur "
                    "(`charter.schema.json`), un README et un `.gitignore`. Pose les questions (entreprise, "
                    "droit applicable, contacts) sauf avec `--no-input`. Ne remplace jamais un "
                    "`charter.yml` existant.",
    "charter modules": "Liste les modules de la bibliothèque, avec les modules locaux du profil s'il existe : "
                       "identifiant, titre, version, dépendances.",
    "charter modules show": "Détaille un module : résumé, variables avec leur type et leur valeur par défaut, "
                            "options, clauses, fondements juridiques.",
    "charter check": "Vérifie le profil et les modules et liste ce qui reste à remplir. Code de sortie 0 "
                     "seulement si la charte se génère.",
    "charter render": "Produit la charte dans un de ses formats : Markdown, JSON canonique, PDF, guide PDF ou "
                      "DOCX consolidé (`--line-numbers` numérote ses lignes).",
    "charter schema": "Affiche le schéma JSON de `charter.yml`, que les éditeurs utilisent pour valider et "
                      "compléter le profil.",
    "charter build": "Construit le site des salariés et l'annexe PDF du projet en cours (dossier `build/` "
                     "à côté du profil, par défaut).",
    "charter serve": "Aperçu du site dans le navigateur, reconstruit dès que le profil ou un module change.",
    "charter release": "Fige une version : écrit `releases/VERSION/` (`charter.json`, `release.yml`, le PDF). "
                       "Refuse d'écraser une version existante.",
    "charter releases": "Tableau des versions : dates, statut (à venir, en vigueur, archivée), début de "
                        "l'empreinte, nature (substantielle ou éditoriale).",
    "charter verify": "Recalcule l'empreinte de chaque version et la compare à `release.yml` et au PDF, puis "
                      "vérifie les signatures, le certificat de l'entreprise et les horodatages, en disant ce que "
                      "chaque vérification prouve. Code de sortie 0 seulement si tout concorde.",
    "charter keys": "La clé de signature de l'entreprise : les versions sont signées avec elle, `verify` les "
                    "vérifie avec son certificat (voir Signatures, horodatage et garde de la clé).",
    "charter keys init": "Crée la clé et le certificat de l'entreprise dans `keys/` (clé chiffrée par une phrase "
                         "secrète, jamais versionnée), ou importe un PKCS#12 existant (`--import`) ; `--replace` "
                         "retire la clé en place (`renewed` ou `compromised`).",
    "charter keys show": "Montre le certificat de référence, son empreinte, les clés retirées et l'autorité "
                         "d'horodatage.",
    "charter review": "Ramène les modifications faites dans Word par le service juridique.",
    "charter review import": "Lit les modifications suivies et les commentaires d'un DOCX produit par charter-kit, "
                             "les rattache à leurs clauses, les montre comparées au projet ; `--apply` les écrit "
                             "dans `charter.yml` comme adaptations (`overrides`), avec qui les a proposées.",
    "charter publish": "Construit le site de toutes les versions (dossier `public/` par défaut) : "
                       "`versions.json`, sélecteur de version, bandeau sur les versions archivées ou à venir, "
                       "page « Modifications » de chaque version.",
    "charter diff": "Compare deux versions, ou une version et le projet en cours (`draft`), clause par "
                    "clause, avec la cause de chaque changement : texte, HTML, Markdown, JSON, DOCX ou PDF.",
    "charter adoption": "La procédure d'adoption : `charter adoption [VERSION|draft]` montre les formalités "
                        "faites et manquantes, pour chaque société et établissement, et la date d'entrée en "
                        "vigueur la plus proche.",
    "charter adoption show": "Montre la procédure d'une version, du projet (`draft`) ou, par défaut, de la "
                             "dernière version (du projet s'il a changé depuis).",
    "charter adoption record": "Enregistre une formalité (`avis-cse`, `depot-greffe`…) avec sa date et sa pièce "
                               "justificative, pour le projet ou une version (registre chaîné après la version).",
    "charter adoption pack": "Écrit les documents à envoyer (CSE, inspection du travail, greffe, affichage ; "
                             "en Belgique, avis et registre d'observations), en PDF et en DOCX, avec le numéro "
                             "et l'empreinte de la version.",
}


# -- small Markdown helpers -------------------------------------------------------------------------
def text(value: Any) -> str:
    """Module or schema text made inert Markdown (no HTML, no table break), on one line."""
    from charter_kit.escape import md_escape

    return md_escape(value)


def code(value: Any) -> str:
    """Inline code on one line (Markdown tables do not split cells inside code spans)."""
    raw = " ".join(str(value).split())
    return f"`` {raw} ``" if "`" in raw else f"`{raw}`"


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A Markdown table (cells already escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell or "—" for cell in row) + " |" for row in rows]


def page(lines: list[str]) -> str:
    """Join page lines: one trailing newline, no trailing spaces."""
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n"


# -- profile reference (from the JSON Schema) --------------------------------------------------------
def profile_rows(schema: dict) -> Iterator[tuple[str, str, dict, bool | None]]:
    """Every key of the profile as (path, lookup key, schema node, required), depth first."""
    defs = schema.get("$defs", {})
    yield from _object_rows(schema, defs, "", "")


def _resolve(node: dict, defs: dict) -> dict:
    """A schema node with its $ref replaced by the definition it points to."""
    ref = node.get("$ref")
    if ref:
        target = dict(defs[ref.rsplit("/", 1)[1]])
        target.update({k: v for k, v in node.items() if k != "$ref"})
        return target
    return node


def _object_rows(node: dict, defs: dict, path: str, key: str) -> Iterator[tuple[str, str, dict, bool | None]]:
    """The rows of an object's properties and of everything below them."""
    required = set(node.get("required", ()))
    for name in node.get("properties", {}):
        child = _resolve(node["properties"][name], defs)
        child_path = f"{path}.{name}" if path else name
        child_key = f"{key}.{name}" if key else name
        yield child_path, child_key, child, name in required
        yield from _child_rows(child, defs, child_path, child_key)


def _child_rows(node: dict, defs: dict, path: str, key: str) -> Iterator[tuple[str, str, dict, bool | None]]:
    """The rows below one key: its properties, its mapping entries, its list items."""
    if "properties" in node:
        yield from _object_rows(node, defs, path, key)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        item = _resolve(extra, defs)
        item_path = f"{path}.<{MAPPING_KEYS.get(key, 'clé')}>"
        yield item_path, f"{key}.*", item, None
        yield from _child_rows(item, defs, item_path, f"{key}.*")
    items = node.get("items")
    if isinstance(items, dict):
        objects = [o for o in (_resolve(o, defs) for o in items.get("anyOf", [items])) if "properties" in o]
        if objects:
            yield f"{path}[]", f"{key}[]", _resolve(items, defs), None
        for option in objects:
            yield from _object_rows(option, defs, f"{path}[]", f"{key}[]")


def schema_type(node: dict) -> str:
    """The French name of a schema node's type."""
    options = [o for o in node.get("anyOf", [node]) if o.get("type") != "null"]
    names = []
    for option in options:
        name = _one_type(option)
        if name not in names:
            names.append(name)
    return " ou ".join(names)


def _one_type(node: dict) -> str:
    """The French name of one (non-null) schema type."""
    if "const" in node:
        return "toujours " + code(node["const"])
    if "enum" in node:
        return "un parmi : " + ", ".join(code(v) for v in node["enum"])
    kind = node.get("type")
    if "$ref" in node or (kind == "object" and "properties" in node):
        return "section"
    if kind == "object":
        extra = node.get("additionalProperties")
        return "table de valeurs" if extra is True else "table par clé"
    if kind == "array":
        return "liste"
    if kind == "string":
        return {"date": "date (AAAA-MM-JJ)"}.get(node.get("format"), "texte")
    return {"boolean": "`true` ou `false`", "integer": "nombre entier", "number": "nombre"}.get(kind, str(kind))


def schema_default(node: dict, required: bool | None) -> str:
    """A key's default as the user would write it, or whether it must be given."""
    # An entry of a list or a mapping (required None) has neither.
    if required is None:
        return ""
    if required:
        return "**obligatoire**"
    if "default" not in node or node["default"] is None:
        return "facultatif"
    value = node["default"]
    if isinstance(value, dict):
        return "voir ses clés" if value else "vide"
    if isinstance(value, list):
        return "liste vide" if not value else code(json.dumps(value, ensure_ascii=False))
    if isinstance(value, bool):
        return code("true" if value else "false")
    return code(value)


def profile_page(schema: dict) -> str:
    """The Référence page of charter.yml, from its JSON Schema."""
    rows = list(profile_rows(schema))
    lines = [
        "# Le profil `charter.yml`",
        "",
        "Cette page est produite à partir du schéma JSON du profil (`charter schema`) à chaque "
        "construction de la documentation : elle décrit exactement ce que charter-kit accepte. "
        "Toute clé absente de cette liste est refusée, avec une suggestion quand une clé voisine existe.",
        "",
        "Les clés d'une table par clé s'écrivent librement : `contacts.<rôle>` signifie par exemple "
        "`contacts.juridique`. Les éléments d'une liste sont notés `[]`.",
        "",
        "## Vue d'ensemble",
        "",
    ]
    top = [r for r in rows if "." not in r[0] and "[" not in r[0]]
    lines += table(("Clé", "Type", "Valeur par défaut", "Rôle"),
                   [(f"[{code(p)}](#{_anchor(p)})", schema_type(n), schema_default(n, req), _describe(k, n))
                    for p, k, n, req in top])
    for path, key, node, required in top:
        lines += ["", f"## `{path}` {{#{_anchor(path)}}}", "", _describe(key, node), ""]
        children = [r for r in rows if r[0].startswith((path + ".", path + "["))]
        if children:
            lines += table(("Clé", "Type", "Valeur par défaut", "Rôle"),
                           [(code(p), schema_type(n), schema_default(n, req), _describe(k, n))
                            for p, k, n, req in children])
        else:
            lines += [f"Type : {schema_type(node)}. Valeur par défaut : {schema_default(node, required)}."]
    return page(lines)


def _anchor(path: str) -> str:
    """The stable HTML id of a profile key's section."""
    return "cle-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _describe(key: str, node: dict) -> str:
    """A key's French description, else the schema's own."""
    from charter_kit.locales import fr

    if key in fr.PROFILE_KEYS:
        return fr.PROFILE_KEYS[key]
    return text(node.get("description", ""))


# -- CLI reference (from click) ---------------------------------------------------------------------
def walk_commands(group, name: str = "charter") -> Iterator[tuple[Any, Any]]:
    """Every command of the CLI as (click context, command), the root group first."""
    import click

    root = click.Context(group, info_name=name)
    yield from _walk(root)


def _walk(ctx) -> Iterator[tuple[Any, Any]]:
    """A command and, for a group, every visible subcommand below it."""
    import click

    yield ctx, ctx.command
    if isinstance(ctx.command, click.Group):
        for sub_name in ctx.command.list_commands(ctx):
            sub = ctx.command.get_command(ctx, sub_name)
            if sub is None or sub.hidden:
                continue
            yield from _walk(click.Context(sub, info_name=sub_name, parent=ctx))


def param_rows(ctx, command) -> list[tuple[str, str, str, str]]:
    """The documented parameters of a command: (name, type, default, help)."""
    import click

    rows = []
    help_option = command.get_help_option(ctx)
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False) or param is help_option:
            continue
        if isinstance(param, click.Argument):
            rows.append((code(param.human_readable_name) + " (argument)", _param_type(param),
                         _param_default(param, ctx), "obligatoire" if param.required else ""))
        else:
            names = ", ".join(code(o) for o in [*param.opts, *param.secondary_opts])
            rows.append((names, _param_type(param), _param_default(param, ctx), text(param.help or "")))
    return rows


def _param_type(param) -> str:
    """The French name of a parameter's type."""
    import click

    kind = param.type
    if getattr(param, "is_flag", False) and not getattr(param, "secondary_opts", None):
        name = "indicateur"
    elif getattr(param, "is_flag", False):
        name = "indicateur (oui / non)"
    elif isinstance(kind, click.Choice):
        name = "un parmi : " + ", ".join(code(c) for c in kind.choices)
    elif isinstance(kind, click.Path):
        name = "dossier" if not kind.file_okay else "fichier" if not kind.dir_okay else "chemin"
    elif isinstance(kind, click.DateTime):
        name = "date"
    elif kind is click.INT or isinstance(kind, click.IntRange):
        name = "nombre entier"
    else:
        name = "texte"
        if getattr(param, "metavar", None):
            name += " " + code(param.metavar)
    if getattr(param, "multiple", False):
        name += ", répétable"
    return name


def _param_default(param, ctx) -> str:
    """A parameter's default as typed on the command line, or "" when it has none."""
    default = param.get_default(ctx, call=False)
    # click >= 8.2 marks "no default" with a sentinel object rather than None.
    if callable(default) or default is None or default is False or type(default).__name__ == "Sentinel":
        return ""
    if default is True:
        return code("oui")
    if isinstance(default, (tuple, list)):
        return ", ".join(code(v) for v in default)
    return code(str(default))


def cli_page(group) -> str:
    """The Référence page of the `charter` command line, from its click definitions."""
    lines = [
        "# La ligne de commande `charter`",
        "",
        "Cette page est produite à partir des définitions des commandes à chaque construction de la "
        "documentation : elle montre exactement les commandes et les options de la version installée. "
        "La description de chaque option est l'aide que la commande affiche elle-même avec `--help` "
        "(en anglais, comme les messages de l'outil).",
        "",
        "Toutes les commandes qui lisent un profil prennent `-p` / `--profile` (par défaut `./charter.yml`) ; "
        "les chemins écrits dans le profil partent de son dossier. Une erreur de saisie donne un message "
        "lisible et le code de sortie 1 (2 pour une commande mal tapée), jamais une trace d'exécution, "
        "sauf avec `charter --debug`.",
        "",
    ]
    commands = list(walk_commands(group))
    lines += ["## Commandes", ""]
    lines += table(("Commande", "Rôle"), [(f"[{code(ctx.command_path)}](#{_command_anchor(ctx)})",
                                           _command_summary(ctx, cmd)) for ctx, cmd in commands[1:]])
    for ctx, cmd in commands:
        lines += _command_section(ctx, cmd)
    return page(lines)


def _command_anchor(ctx) -> str:
    """The stable HTML id of a command's section (charter-modules-show)."""
    return re.sub(r"[^a-z0-9]+", "-", ctx.command_path.lower()).strip("-")


def _command_summary(ctx, cmd) -> str:
    """A command's French summary, else its own short help."""
    return COMMAND_TEXT.get(ctx.command_path) or text(cmd.get_short_help_str(limit=200))


def _command_section(ctx, cmd) -> list[str]:
    """The section of one command: summary, usage, help and parameters."""
    usage = " ".join([ctx.command_path, *cmd.collect_usage_pieces(ctx)])
    lines = ["", f"## `{ctx.command_path}` {{#{_command_anchor(ctx)}}}", ""]
    if ctx.command_path in COMMAND_TEXT:
        lines += [COMMAND_TEXT[ctx.command_path], ""]
    lines += ["```text", usage, "```", ""]
    if cmd.help:
        lines += ["Aide de la commande : « " + text(cmd.help.split("\n\n")[0]) + " »", ""]
    rows = param_rows(ctx, cmd)
    if rows:
        lines += table(("Paramètre", "Type", "Par défaut", "Description"), rows)
    return lines


# -- module catalogue (from modules/) ---------------------------------------------------------------
_TAG = re.compile(r"\{%-?\s*(if|elif|else|endif)\b(.*?)-?%\}")


def clause_conditions(source: str) -> dict[str, str]:
    """For each clause of a module's source, the Jinja condition it sits in ("" when always present)."""
    from charter_kit.compose.clauses import scan

    stack: list[list[str]] = []  # one frame per open {% if %}: its conditions so far, the last one active
    found: dict[str, str] = {}
    for _n, line, heading, _is_heading in scan(source):
        if heading:
            found[heading.key] = " et ".join(_active(frame) for frame in stack)
        for tag, rest in _TAG.findall(line):
            _apply_tag(stack, tag, rest.strip())
    return found


def _apply_tag(stack: list[list[str]], tag: str, condition: str) -> None:
    """Update the stack of open conditions with one Jinja if/elif/else/endif tag."""
    # A frame holds the tests of one if/elif chain; "" marks that its {% else %} was reached.
    if tag == "if":
        stack.append([condition])
    elif tag in ("elif", "else") and stack:
        stack[-1].append(condition if tag == "elif" else "")
    elif tag == "endif" and stack:
        stack.pop()


def _active(frame: list[str]) -> str:
    """The condition under which the current branch of an if/elif/else chain is rendered."""
    earlier, current = frame[:-1], frame[-1]
    if not earlier:
        return current
    negation = "non (" + " ou ".join(earlier) + ")"
    return f"{negation} et {current}" if current else negation


def value_default(spec) -> str:
    """A variable's default as HR reads it, or that it is required."""
    if spec.required:
        return "**obligatoire**"
    value = spec.default
    if value is None:
        return "aucune (facultatif)"
    if value == "":
        return "vide"
    if isinstance(value, bool):
        return code("true" if value else "false")
    if isinstance(value, list):
        return "<br>".join("« " + text(v) + " »" for v in value) if value else "liste vide"
    return "« " + text(value) + " »" if spec.type in ("string", "text") else code(value)


def _spec_rows(specs: dict) -> list[tuple[str, ...]]:
    """Table rows for a module's variables or options."""
    rows = []
    for spec in specs.values():
        kind = TYPE_NAMES.get(spec.type, spec.type)
        if spec.choices:
            kind += " : " + ", ".join(code(c) for c in spec.choices)
        about = text(spec.label.get("fr", ""))
        if spec.help and spec.help.get("fr"):
            about += "<br>" + text(spec.help["fr"])
        rows.append((code(spec.name), kind, value_default(spec), about))
    return rows


def _yaml_value(value: Any) -> str:
    """A default written as a YAML value (JSON is valid YAML: the example can be pasted as it is)."""
    return json.dumps(value, ensure_ascii=False)


def profile_example(module) -> list[str]:
    """A `charter.yml` excerpt selecting the module with its options and variables."""
    lines = ["```yaml", "modules:", f"  - id: {module.id}"]
    for kind in ("options", "variables"):
        specs = getattr(module, kind)
        if not specs:
            continue
        lines.append(f"    {kind}:")
        for spec in specs.values():
            if spec.required:
                lines.append(f"      {spec.name}:    # obligatoire : {TYPE_NAMES.get(spec.type, spec.type)}")
            else:
                lines.append(f"      {spec.name}: {_yaml_value(spec.default)}")
    return lines + ["```"]


def module_page(module, library) -> str:
    """The catalogue page of one module: what HR needs to choose and set it."""
    from charter_kit.model.vocabulary import BASIS_KEYS
    from charter_kit.locales import fr

    conditions = clause_conditions(module.texts.get("fr", ""))
    lines = [f"# {text(module.title.get('fr', module.id))}", "", text(module.summary.get("fr", "")), ""]
    lines += [
        f"- **Identifiant** : {code(module.id)}",
        f"- **Version** : {code(module.version)}",
        f"- **Position dans la charte** : {code(module.order)}",
        f"- **Requiert** : {_module_links(module.requires, library) or 'aucun module'}",
        f"- **Incompatible avec** : {_module_links(module.conflicts, library) or 'aucun module'}",
        "- **Droits applicables** : " + ", ".join(fr.JURISDICTION.get(j, j) for j in module.jurisdictions),
    ]
    lines += ["", "## Clauses", "",
              "Chaque clause garde son identifiant d'une version à l'autre : c'est par lui qu'on la remplace "
              "ou la retire (`overrides`), et que les comparaisons la suivent. Les numéros dépendent des "
              "modules retenus.", ""]
    lines += table(("Identifiant", "Titre", "Présente"),
                   [(code(f"{module.id}.{c.key}"), text(c.title),
                     f"si {code(conditions[c.key])}" if conditions.get(c.key) else "toujours")
                    for c in module.clauses])
    lines += ["", "## Variables", ""]
    lines += table(("Nom", "Type", "Par défaut", "Description"), _spec_rows(module.variables)) \
        if module.variables else ["Ce module n'a pas de variable."]
    lines += ["", "## Options", ""]
    lines += table(("Nom", "Type", "Par défaut", "Description"), _spec_rows(module.options)) \
        if module.options else ["Ce module n'a pas d'option."]
    lines += ["", "## Contacts", ""]
    lines += (["Le profil doit définir ces rôles dans `contacts` :", ""]
              + [f"- {code(r)} : {text(fr.role(r))}" for r in module.contacts]) \
        if module.contacts else ["Ce module ne cite aucun contact."]
    lines += ["", "## Fondements juridiques", ""]
    bases = [(k, module.legal_basis[k]) for k in BASIS_KEYS if module.legal_basis.get(k)]
    for key, refs in bases:
        lines += [f"**{fr.JURISDICTION.get(key, key)}**", ""] + [f"- {text(r)}" for r in refs] + [""]
    if any(k == "eu" for k, _ in bases):
        lines += ["Les références de l'Union européenne s'affichent dans les chartes de droit français, "
                  "belge et luxembourgeois.", ""]
    if not bases:
        lines += ["Ce module ne cite pas de fondement juridique.", ""]
    lines += ["## Dans `charter.yml`", "",
              "Pour retenir ce module avec ses réglages par défaut, écrivez simplement "
              f"`- {module.id}` sous `modules:`. Pour le régler :", ""]
    lines += profile_example(module)
    if module.changelog:
        lines += ["", "## Historique", ""]
        lines += table(("Version", "Date", "Note"),
                       [(code(e["version"]), code(e["date"]), text(e["note"].get("fr", "")))
                        for e in module.changelog])
    return page(lines)


def _module_links(ids: tuple[str, ...], library) -> str:
    """Module ids, linked to their catalogue page when the module exists."""
    return ", ".join(f"[{code(i)}]({i}.md)" if library.get(i) else code(i) for i in ids)


def catalogue_page(library) -> str:
    """The catalogue's index: every module of the library in charter order."""
    lines = [
        "# Catalogue des modules",
        "",
        "Cette page et les suivantes sont produites à partir du dossier `modules/` à chaque construction de "
        "la documentation : elles décrivent exactement les modules livrés avec cette version de "
        "charter-kit. `charter modules` et `charter modules show ID` donnent les mêmes informations dans "
        "le terminal.",
        "",
        f"La bibliothèque compte {len(library.modules)} modules, présentés dans l'ordre où ils "
        "apparaissent dans une charte.",
        "",
    ]
    lines += table(("Module", "Titre", "Version", "Requiert", "Clauses"),
                   [(f"[{code(m.id)}]({m.id}.md)", text(m.title.get("fr", "")), code(m.version),
                     ", ".join(code(r) for r in m.requires), str(len(m.clauses)))
                    for m in library.ordered()])
    lines += ["", "## En bref", ""]
    for m in library.ordered():
        lines += [f"- **[{text(m.title.get('fr', m.id))}]({m.id}.md)** : {text(m.summary.get('fr', ''))}"]
    return page(lines)


def module_pages(library) -> dict[str, str]:
    """The catalogue: its index and one page per module, by path under docs/."""
    pages = {CATALOGUE_INDEX: catalogue_page(library)}
    for module in library.ordered():
        pages[f"{CATALOGUE}/{module.id}.md"] = module_page(module, library)
    return pages


def catalogue_nav(library) -> list:
    """The navigation entries of the catalogue: its index, then each module by title."""
    return [CATALOGUE_INDEX] + [{m.title.get("fr", m.id): f"{CATALOGUE}/{m.id}.md"} for m in library.ordered()]


# -- everything, and the mkdocs hook ---------------------------------------------------------------
def reference_pages(library=None) -> dict[str, str]:
    """Every generated Référence page, by path under docs/ (the shipped library unless one is given)."""
    from charter_kit.cli import cli
    from charter_kit.compose.library import load_library
    from charter_kit.compose.profile import Profile

    library = library if library is not None else load_library()
    # model_json_schema keeps the fields in the order of the model, the order of a charter.yml.
    pages = {PROFILE_PAGE: profile_page(Profile.model_json_schema()), CLI_PAGE: cli_page(cli)}
    pages.update(module_pages(library))
    return pages


def expand_nav(nav: list, library) -> bool:
    """Replace the catalogue's index entry of ``nav`` by a section listing every module; True if found."""
    for i, item in enumerate(nav):
        title, value = _nav_item(item)
        if value == CATALOGUE_INDEX:
            nav[i] = {title or "Catalogue des modules": catalogue_nav(library)}
            return True
        if isinstance(value, list) and expand_nav(value, library):
            return True
    return False


def _nav_item(item) -> tuple[str | None, Any]:
    """A nav entry as (title or None, value)."""
    if isinstance(item, dict) and len(item) == 1:
        return next(iter(item.items()))
    return None, item


def on_files(files, config):
    """mkdocs hook: add the generated pages and list every module in the navigation."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    from charter_kit.errors import CharterError
    from charter_kit.compose.library import load_library

    try:
        library = load_library()
    except CharterError as exc:
        raise PluginError(f"the module library does not load, so the catalogue cannot be generated:\n"
                          f"{exc.format_message()}") from None
    for path, content in reference_pages(library).items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} is generated at build time: delete the file from docs/")
        files.append(File.generated(config, path, content=content))
    if config.nav is not None:
        expand_nav(config.nav, library)
    return files


def on_serve(server, config, builder):
    """mkdocs hook: `mkdocs serve` also rebuilds when a module or charter-kit's code changes."""
    from pathlib import Path

    root = Path(config.config_file_path).parent
    for folder in ("modules", "charter_kit"):
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
