"""Reading YAML files with line numbers; YAML mistakes explained as located problems.

Shared by the profile and the module library: both must say ``file, line N: key: problem``
(validation errors are turned into such problems in compose/validation.py).
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from charter_kit.errors import Problem
from charter_kit.i18n import _

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

#: The same loader on libyaml when PyYAML has it: a tenth of the time for a module library. Its
#: error messages differ, so a document it refuses is parsed again by ``_Loader`` to explain why.
_FastLoader = type("_FastLoader", (getattr(yaml, "CSafeLoader", _Loader),),
                   {"yaml_implicit_resolvers": _Loader.yaml_implicit_resolvers})


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
    loader = _FastLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError:
            loader.dispose()
            loader = _Loader(text)
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
    if not node.style and _NUMBER.match(value) and len(value.lstrip("+-")) > MAX_DIGITS:
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
