"""The editor's schema of charter.yml, made from the library in use: it completes and checks module
ids, each module's options and variables, contact roles and override clause ids, in French.

yaml-language-server (VS Code's YAML extension and others) reads it through the first line that
`charter init` writes: ``# yaml-language-server: $schema=./charter.schema.json``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from charter_kit.compose.module import Library, Module, ValueSpec
from charter_kit.compose.profile import Profile
from charter_kit.locales import fr

SCHEMA_FILE = "charter.schema.json"
#: JSON Schema of a module variable's value, by its type.
_VALUE = {
    "string": {"type": "string"}, "text": {"type": "string"},
    "email": {"type": "string", "format": "email"}, "url": {"type": "string", "pattern": "^https?://"},
    "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "int": {"type": "integer"},
    "bool": {"type": "boolean"}, "list": {"type": "array", "items": {"type": "string"}},
}


def library_schema(library: Library, language: str = "fr") -> dict[str, Any]:
    """The profile's JSON Schema with the library's modules, options, variables, roles and clauses."""
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "charter.yml (charter-kit)"
    _french(schema, "", schema)
    modules = library.ordered()
    ids = [m.id for m in modules]
    entry = {"oneOf": [{"type": "string", "enum": ids, "description": "Identifiant d’un module (charter modules)."},
                       *(_module_entry(m, language) for m in modules)]}
    schema["properties"]["modules"]["items"] = entry
    roles = sorted({role for m in modules for role in m.contacts} | set(fr.ROLE))
    contacts = schema["properties"]["contacts"]
    contact = copy.deepcopy(contacts.get("additionalProperties", {}))
    contacts["properties"] = {role: {**contact, "description": fr.role(role)} for role in roles}
    # Another key is a person or a service serving roles it names (contacts.<clé>.roles).
    contacts["additionalProperties"] = {"allOf": [contact, {"required": ["roles"]}]}
    _role_enum(schema, roles)
    clause_ids = sorted(cid for m in modules for cid in m.clause_ids())
    schema["properties"]["overrides"]["propertyNames"] = {"enum": clause_ids}
    return schema


def schema_text(library: Library, language: str = "fr") -> str:
    """The schema as written to charter.schema.json: sorted keys, same library, same bytes."""
    return json.dumps(library_schema(library, language), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _module_entry(module: Module, language: str) -> dict[str, Any]:
    """One module written as a mapping: its id, then only its own options and variables."""
    summary = module.summary.get(language, "")
    return {
        "type": "object", "additionalProperties": False, "required": ["id"],
        "description": f"{module.title.get(language, module.id)} : {summary}",
        "properties": {
            "id": {"const": module.id, "description": summary},
            "options": _values(module.options, language),
            "variables": _values(module.variables, language),
        },
    }


def _values(specs: dict[str, ValueSpec], language: str) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "properties": {name: _value(spec, language) for name, spec in specs.items()}}


def _value(spec: ValueSpec, language: str) -> dict[str, Any]:
    out = dict(_VALUE.get(spec.type, {"type": "string"}))
    if spec.type == "choice":
        out = {"enum": list(spec.choices or ())}
    text = spec.label.get(language, spec.name)
    if spec.help and spec.help.get(language):
        text += " — " + spec.help[language]
    out["description"] = text
    if not spec.required:
        out["default"] = spec.default
    return out


def _role_enum(schema: dict[str, Any], roles: list[str]) -> None:
    """The list ``roles:`` of a contact names known roles only."""
    for definition in schema.get("$defs", {}).values():
        prop = definition.get("properties", {}).get("roles")
        if prop is not None and prop.get("type") == "array":
            prop["items"] = {"enum": roles}


def _french(node: Any, path: str, root: dict[str, Any]) -> None:
    """French descriptions from locales.fr.PROFILE_KEYS, by dotted key (the Référence pages' text)."""
    if not isinstance(node, dict):
        return
    for key, sub in node.get("properties", {}).items():
        dotted = f"{path}.{key}" if path else key
        target = sub
        if "$ref" in sub:
            target = root["$defs"][sub["$ref"].rsplit("/", 1)[-1]]
        if dotted in fr.PROFILE_KEYS:
            sub["description"] = fr.PROFILE_KEYS[dotted].replace("`", "")
        _french(target, dotted, root)
    for key in ("additionalProperties", "items"):
        sub = node.get(key)
        if isinstance(sub, dict) and "$ref" in sub:
            _french(root["$defs"][sub["$ref"].rsplit("/", 1)[-1]], path, root)


def stale_schema(root, library: Library, language: str = "fr") -> bool:
    """True when the project has a charter.schema.json that no longer matches its library."""
    path = root / SCHEMA_FILE
    try:
        return path.read_text(encoding="utf-8") != schema_text(library, language)
    except (OSError, UnicodeDecodeError):
        return False
