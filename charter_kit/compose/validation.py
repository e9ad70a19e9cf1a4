"""pydantic's validation errors in the tool's own words, one located problem per mistake.

pydantic's messages name internal classes and are English only ("Input should be a valid boolean"):
each error type it can raise for a profile or a module is said here in our sentences, in the user's
language, with "did you mean" where a close key or value exists.
"""

from __future__ import annotations

from typing import Any

import pydantic

from charter_kit.compose.yamlfile import LineMap, dotted
from charter_kit.errors import Problem, did_you_mean
from charter_kit.i18n import N_, _, ngettext
from charter_kit.model.vocabulary import ID_RE

Path_ = tuple[Any, ...]


def validation_problems(exc: pydantic.ValidationError, lines: LineMap, display: str,
                        model: type[pydantic.BaseModel], prefix: Path_ = ()) -> list[Problem]:
    """Turn a pydantic error into one located problem per mistake, with "did you mean" hints."""
    tags = _union_tags(model)
    problems: dict[tuple, Problem] = {}
    for err in exc.errors(include_url=False):
        raw = err["loc"]
        # pydantic names the union member it tried right after a list index: ("modules", 0, "str").
        loc = tuple(p for i, p in enumerate(raw)
                    if not (isinstance(p, str) and i and isinstance(raw[i - 1], int) and (p in tags or "[" in p)))
        full = prefix + loc
        key = dotted(full) or None
        message = _message(err, model, loc)
        if (full, "type") in problems and err["type"] in _TYPE_ERRORS:
            # Each member of a union (a module id, or a mapping with id:) failed: say it once.
            message = _("expected a text or a mapping of keys (got {got})").format(got=_show(err.get("input")))
            problems[(full, "type")] = Problem(display, lines.line(full), key, message)
            continue
        slot = (full, "type") if err["type"] in _TYPE_ERRORS else (full, len(problems))
        problems[slot] = Problem(display, lines.line(full), key, message)
    return list(problems.values())


_TYPE_ERRORS = {"string_type", "model_type", "dict_type", "list_type", "bool_type", "int_type", "float_type"}


def _union_tags(model: type[pydantic.BaseModel]) -> set[str]:
    """Names pydantic puts in an error location for the member of a union it tried."""
    names = {"str", "int", "bool", "list", "dict", "float", "none"}
    stack, seen = [model], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        names.add(current.__name__)
        for field in current.model_fields.values():
            sub = _submodel(field.annotation)
            if sub is not None:
                stack.append(sub)
    return names


def _message(err: dict[str, Any], model: type[pydantic.BaseModel], loc: Path_) -> str:
    """pydantic's error in the tool's own words, in the user's language (pydantic's text is neither)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "extra_forbidden":
        return _("unknown key.") + did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]))
    if kind == "missing":
        return _("is required but missing")
    if kind.startswith("literal_error"):
        values = _literal_values(str(ctx.get("expected", "")))
        shown = [f"'{v}'" for v in values]
        expected = shown[0] if len(shown) == 1 else _("{values} or {last}").format(values=", ".join(shown[:-1]),
                                                                                  last=shown[-1])
        return _("'{got}' is not allowed; expected one of {expected}.").format(got=got, expected=expected) + (
            did_you_mean(str(got), values) if isinstance(got, str) else "")
    if kind in ("value_error", "assertion_error"):
        # Our validators' own message (already in the user's language).
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    shown = _show(got)
    if kind in _SENTENCES:
        return _(_SENTENCES[kind]).format(got=shown)
    if kind == "string_too_short":
        least = int(ctx.get("min_length", 1))
        if least <= 1:
            return _("must not be empty")
        return ngettext("must have at least {n} character", "must have at least {n} characters", least).format(n=least)
    if kind == "string_too_long":
        most = int(ctx.get("max_length", 0))
        return ngettext("must have at most {n} character (this one has {length})",
                        "must have at most {n} characters (this one has {length})", most).format(
            n=most, length=len(got) if isinstance(got, str) else "?")
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ID_RE.pattern:
            return _("'{got}' is not a valid id: lowercase letters, digits and hyphens, starting with a letter").format(
                got=got)
        return _("'{got}' is not written in the expected form ({pattern})").format(got=got, pattern=ctx.get("pattern"))
    if kind == "too_short":
        least = int(ctx.get("min_length", 1))
        return ngettext("must list at least {n} item", "must list at least {n} items", least).format(n=least)
    if kind == "too_long":
        most = int(ctx.get("max_length", 0))
        return ngettext("must list at most {n} item", "must list at most {n} items", most).format(n=most)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "?")
        return _(_BOUNDS[kind]).format(bound=bound, got=shown)
    return str(err["msg"])


#: pydantic's type errors, in our words (msgids; a "got" value follows in parentheses).
_SENTENCES = {
    "string_type": N_("expected a text (got {got})"),
    "bool_type": N_("expected true or false (got {got})"),
    "bool_parsing": N_("expected true or false (got {got})"),
    "int_type": N_("expected a whole number (got {got})"),
    "int_parsing": N_("expected a whole number (got {got})"),
    "int_from_float": N_("expected a whole number (got {got})"),
    "float_type": N_("expected a number (got {got})"),
    "float_parsing": N_("expected a number (got {got})"),
    "list_type": N_("expected a list, one '- item' per line (got {got})"),
    "tuple_type": N_("expected a list, one '- item' per line (got {got})"),
    "dict_type": N_("expected a mapping of keys, one 'key: value' per line (got {got})"),
    "model_type": N_("expected a mapping of keys, one 'key: value' per line (got {got})"),
    "model_attributes_type": N_("expected a mapping of keys, one 'key: value' per line (got {got})"),
    "date_type": N_("expected a date written 2027-01-15 (got {got})"),
    "date_parsing": N_("expected a date written 2027-01-15 (got {got})"),
    "date_from_datetime_parsing": N_("expected a date written 2027-01-15 (got {got})"),
    "date_from_datetime_inexact": N_("expected a day without a time of day, written 2027-01-15 (got {got})"),
    "string_unicode": N_("expected a text (got {got})"),
    "none_required": N_("expected no value here (got {got})"),
    "is_instance_of": N_("this value does not have the expected type (got {got})"),
    "union_tag_invalid": N_("this value does not have the expected type (got {got})"),
}
#: Bounds of numbers, in our words.
_BOUNDS = {
    "greater_than": N_("must be greater than {bound} (got {got})"),
    "greater_than_equal": N_("must be {bound} or more (got {got})"),
    "less_than": N_("must be less than {bound} (got {got})"),
    "less_than_equal": N_("must be {bound} or less (got {got})"),
}


def _show(value: Any) -> str:
    if value is None or isinstance(value, bool):
        # As the YAML was written: an empty value, true, false (not Python's None, True, False).
        return _("nothing") if value is None else str(value).lower()
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _literal_values(expected: str) -> list[str]:
    return [p.strip(" '") for p in expected.replace(" or ", ",").split(",") if p.strip(" '")]


def _fields_at(model: type[pydantic.BaseModel], loc: Path_) -> list[str]:
    """The field names of the sub-model at ``loc`` (for suggestions)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _submodel(fields[part].annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _submodel(annotation: Any) -> Any:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None
