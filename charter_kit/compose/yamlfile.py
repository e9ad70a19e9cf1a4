"""Reading YAML files with line numbers, and turning validation errors into located problems.

Shared by the profile and the module library: both must say ``file, line N: key: problem``.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pydantic
import yaml

from charter_kit.errors import Problem, did_you_mean
from charter_kit.model.vocabulary import ID_RE
from charter_kit.i18n import N_, _, ngettext

Path_ = tuple[Any, ...]

#: Most nodes a document may expand to through aliases; a "billion laughs" stops here at once.
MAX_EXPANDED_NODES = 5_000_000
#: Largest file read as text (a module's Markdown included), and largest YAML document.
MAX_TEXT_BYTES = 16_000_000
MAX_YAML_BYTES = 8_000_000
#: Deepest nesting of mappings and lists a YAML document may have (a profile needs five).
MAX_DEPTH = 40
#: Longest number a YAML value may write (Python refuses to read integers past 4 300 digits).
MAX_DIGITS = 30
#: Characters refused in YAML values: C0/C1 controls (tab and line breaks excepted), lone surrogates.
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NUMBER = re.compile(r"^[-+]?(?:0[xob])?[0-9_a-fA-F]+$")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so the models validate them with a clear message."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LineMap:
    """Where each key and list item of a YAML document starts (1-based lines)."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

    def line(self, path: Sequence[Any]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def read_text(path: Path, display: str, error: type | None = None) -> str:
    """Read a UTF-8 file (a BOM is allowed); a bad byte is an error naming its line."""
    try:
        raw = read_bounded(path)
    except FileNotFoundError:
        raise_problem(display, None, None, _("file not found"), error=error)
    except IsADirectoryError:
        raise_problem(display, None, None, _("is a folder, not a file"), error=error)
    except OSError as exc:
        raise_problem(display, None, None, _("cannot read the file ({reason})").format(reason=exc.strerror),
                      error=error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise_problem(
            display, line, None,
            _("not valid UTF-8 (byte 0x{byte:02x}).").format(byte=raw[exc.start]),
            hint=_("save the file as UTF-8 in your editor"), error=error,
        )


def read_bounded(path: Path) -> bytes:
    """A regular file's bytes, at most MAX_TEXT_BYTES: never a FIFO or a device (they could block)."""
    import os
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, _("not a regular file (a pipe or a device)"), str(path))
        if info.st_size > MAX_TEXT_BYTES:
            raise OSError(0, _("larger than {size} MB").format(size=MAX_TEXT_BYTES // 1_000_000), str(path))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_TEXT_BYTES + 1)
    finally:
        os.close(fd)


def load_yaml(path: Path, display: str, error: type | None = None) -> tuple[Any, LineMap, list[Problem]]:
    """Parse one YAML document; return its data, its line map and any duplicate-key problems."""
    return parse_yaml(read_text(path, display, error), display, error)


#: Documents already parsed in this process, by (text, display name): a preview rebuilds after every
#: edit and reads the same module files again. Only documents that parse are kept (problems are
#: raised again on every read), small ones only, and every caller gets its own copy of the data.
_PARSED: dict[tuple[str, str], tuple[Any, LineMap, tuple[Problem, ...]]] = {}
_PARSED_ENTRIES, _PARSED_CHARS = 512, 1_000_000


def parse_yaml(text: str, display: str, error: type | None = None) -> tuple[Any, LineMap, list[Problem]]:
    """Parse YAML text (see ``load_yaml``)."""
    known = _PARSED.get((text, display))
    if known is not None:
        return copy.deepcopy(known[0]), known[1], list(known[2])
    data, lines, problems = _parse_yaml(text, display, error)
    if len(text) <= _PARSED_CHARS:
        if len(_PARSED) >= _PARSED_ENTRIES:
            _PARSED.pop(next(iter(_PARSED)), None)
        _PARSED[(text, display)] = (copy.deepcopy(data), lines, tuple(problems))
    return data, lines, problems


def _parse_yaml(text: str, display: str, error: type | None) -> tuple[Any, LineMap, list[Problem]]:
    if len(text) > MAX_YAML_BYTES:
        raise_problem(display, None, None, _("the file is larger than {size} MB").format(size=MAX_YAML_BYTES // 1_000_000),
                      error=error)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap(), []
        _check_expansion(node, display, error)
        lines = LineMap()
        problems: list[Problem] = []
        fatal: list[Problem] = []
        _walk(node, (), lines, problems, display, set(), fatal)
        bad = [p for p in problems if any(p is f for f in fatal)]
        if bad:
            raise (error or _profile_error())(bad)
        return _normalized(loader.construct_document(node)), lines, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message, hint = _yaml_problem(exc, text)
        raise_problem(display, line, None, message, hint=hint, error=error)
    except yaml.YAMLError as exc:
        raise_problem(display, None, None, _("invalid YAML: {message}").format(message=exc), error=error)
    except RecursionError:
        raise_problem(display, None, None, _("invalid YAML: nested more than {depth} levels deep").format(depth=MAX_DEPTH),
                      error=error)
    finally:
        loader.dispose()


#: Characters YAML reads as syntax at the start of a value: such a value must be quoted.
_SPECIAL_STARTS = ("*", "&", "!", "%", "@", "`", "[", "{")
_KEY_VALUE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#][^:#]*?):\s+(?P<value>\S.*?)\s*$")


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, str | None]:
    """PyYAML's error in our words, with a hint to quote the value when a colon or a leading sign is the cause."""
    problem = str(exc.problem or "")
    raw = " ".join(str(m) for m in (exc.context, exc.problem) if m)
    char = re.search(r"found character '(.+?)' that cannot start any token", problem)
    if "\t" in raw or "'\\t'" in raw:
        return _("invalid YAML: a tab in the indentation"), _("indent with spaces, never tabs")
    if "mapping values are not allowed here" in problem:
        message = _("invalid YAML: a colon followed by a space inside a value, or a key indented too far")
    elif char:
        message = _("invalid YAML: a value cannot start with '{char}'").format(char=char.group(1))
    elif "found undefined alias" in problem:
        message = _("invalid YAML: '*' starts a reference to an anchor (&name) that does not exist")
    elif "could not determine a constructor for the tag" in problem:
        message = _("invalid YAML: '!' starts a YAML tag, which a charter never uses")
    elif "while scanning a quoted scalar" in raw:
        message = _("invalid YAML: a quote is opened and never closed")
    elif "could not find expected ':'" in problem:
        message = _("invalid YAML: a line without 'key: value' (the ':' is missing)")
    elif "flow sequence" in raw or "flow mapping" in raw:
        message = _("invalid YAML: a '[' or '{' is opened and never closed")
    elif "expected <block end>" in problem:
        message = _("invalid YAML: this line does not line up with the lines above (indentation)")
    else:
        message = _("invalid YAML: {message}").format(message=raw)
    lines = text.splitlines()
    marks = [m.line for m in (exc.context_mark, exc.problem_mark) if m is not None]
    for index in dict.fromkeys(marks):
        quoted = _quoted(lines[index]) if 0 <= index < len(lines) else None
        if quoted:
            return message, _("put the value in quotes: {line}").format(line=quoted)
    return message, None


def _quoted(line: str) -> str | None:
    """``name: Compliance: déontologie`` -> ``name: "Compliance: déontologie"`` when quotes would cure it."""
    found = _KEY_VALUE.match(line)
    if not found:
        return None
    value = found.group("value")
    if not (": " in value or value.endswith(":") or value.startswith(_SPECIAL_STARTS)):
        return None
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{found.group("indent").strip()}{" " if found.group("indent").strip() else ""}{found.group("key")}: "{escaped}"'


def _check_expansion(root: yaml.Node, display: str, error: type | None) -> None:
    """Refuse documents whose aliases expand past MAX_EXPANDED_NODES (computed without expanding)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if ready or not children:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[id(node)] = total
            if total > MAX_EXPANDED_NODES:
                raise_problem(
                    display, node.start_mark.line + 1, None,
                    _("the document expands to too many values through YAML aliases (&/*)"),
                    hint=_("write the values out instead of repeating aliases"), error=error,
                )
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _profile_error() -> type:
    from charter_kit.errors import ProfileError

    return ProfileError


def _normalized(value: Any) -> Any:
    """Every text in NFC, so "é" typed two ways is one "é" in every output and comparison."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    if isinstance(value, dict):
        return {_normalized(k): _normalized(v) for k, v in value.items()}
    return value


def _check_scalar(node: yaml.ScalarNode, path, problems, display, fatal) -> None:
    line = node.start_mark.line + 1
    value = node.value
    if node.style is None and _NUMBER.match(value) and len(value.lstrip("+-")) > MAX_DIGITS:
        fatal.append(Problem(display, line, _dotted(path) or None,
                             _("a number of more than {digits} digits: write it in quotes if it is a text")
                             .format(digits=MAX_DIGITS)))
        problems.append(fatal[-1])
    bad = _REFUSED.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        fatal.append(Problem(display, line, _dotted(path) or None,
                             _("a character that cannot be printed ({code}, position {position}): remove it")
                             .format(code=code, position=bad.start() + 1)))
        problems.append(fatal[-1])


def _walk(node, path, lines, problems, display, active, fatal) -> None:
    # `active` holds the nodes on the current branch: a recursive alias would loop forever.
    if id(node) in active:
        return
    if len(path) > MAX_DEPTH:
        fatal.append(Problem(display, node.start_mark.line + 1, None,
                             _("nested more than {depth} levels deep").format(depth=MAX_DEPTH)))
        problems.append(fatal[-1])
        return
    if isinstance(node, yaml.ScalarNode):
        _check_scalar(node, path, problems, display, fatal)
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None:
                _check_scalar(key_node, path + (key,), problems, display, fatal)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(display, line, _dotted(path + (key,)),
                                        _("duplicate key (first given on line {line})").format(line=seen[key])))
            seen.setdefault(key, line)
            lines.lines.setdefault(path + (key,), line)
            _walk(value_node, path + (key,), lines, problems, display, active, fatal)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.lines.setdefault(path + (i,), item.start_mark.line + 1)
            _walk(item, path + (i,), lines, problems, display, active, fatal)
    active.discard(id(node))


def _dotted(path: Sequence[Any]) -> str:
    """``('modules', 3, 'variables')`` → ``modules[3].variables``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted


def raise_problem(display: str, line: int | None, key: str | None, message: str,
                  *, hint: str | None = None, error: type | None = None):
    """Raise a one-problem error (a ProfileError unless ``error`` says otherwise)."""
    from charter_kit.errors import ProfileError

    raise (error or ProfileError)([Problem(display, line, key, message)], hint=hint)


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
        key = _dotted(full) or None
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
