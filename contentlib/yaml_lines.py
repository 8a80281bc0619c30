"""Safe YAML loading that remembers where things are, for messages an editor can act on.

Mappings come back as :class:`LineDict`, which knows the line of each key; every error
(broken syntax, a control character, ``!!int abc``, nesting too deep) becomes a
:class:`LocatedYamlError` with the line it is on when there is one.
"""
from __future__ import annotations

import inspect
import reprlib
from collections.abc import Callable
from typing import Any

import yaml

_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 80
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict = 2, 4, 4


def show_value(value: Any) -> str:
    """An untrusted YAML value for a message: printable text as it is, anything else as a
    short repr, so a huge, deeply nested or self-referencing value stays one short line."""
    text = value if isinstance(value, str) and value.isprintable() else _SHOW.repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


def _first_line(exc: Exception) -> str:
    """The first line of a YAML error (PyYAML adds the position on further lines)."""
    return str(exc).partition("\n")[0] or type(exc).__name__


# libyaml's parser when PyYAML was built with it (several times faster on the whole
# content folder); the constructors and resolvers below are the same either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A SafeLoader whose mappings remember the line of each key (1-based)."""


class LineDict(dict):  # type: ignore[type-arg]
    """A YAML mapping; ``lines`` maps each key to its line and ``"__start__"`` to the
    mapping's first line."""

    lines: dict[Any, int]


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.lines = {
        loader.construct_object(key, deep=True): key.start_mark.line + 1 for key, _ in node.value
    }
    mapping.lines["__start__"] = node.start_mark.line + 1
    return mapping


def _guarded(construct: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A scalar constructor whose Python errors (``!!int abc``, ``!!bool maybe``, a number of
    5000 digits) become YAML errors located at the value."""

    def guarded(loader: Any, node: Any) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, f"'{show_value(node.value)}' is not a valid {kind}", node.start_mark
            ) from None

    return guarded


for _tag, _construct in list(yaml.SafeLoader.yaml_constructors.items()):
    if not inspect.isgeneratorfunction(_construct):  # generators build collections lazily
        _LineLoader.add_constructor(_tag, _guarded(_construct))
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings: the cache and the UI format them, and YAML's date type is not JSON.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LocatedYamlError(ValueError):
    """YAML that cannot be loaded: ``line`` (1-based, None when unknown) and ``message``."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line
        self.message = message


def load_yaml_text(text: str, line_offset: int = 0) -> Any:
    """Load ``text`` safely; mappings are :class:`LineDict`. ``line_offset`` is added to
    every line (for YAML that starts further down a file, like front matter).

    Raises :class:`LocatedYamlError` for anything that is not loadable YAML.
    """
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context)
        if "nesting depth" in problem:  # libyaml's words for what PyYAML hits as recursion
            problem = "nested too deeply"
        raise LocatedYamlError(mark.line + 1 + line_offset if mark else None,
                               f"broken YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a control character: located by position
        line = text.count("\n", 0, exc.position) + 1 + line_offset if text else None
        raise LocatedYamlError(line, f"broken YAML: {_first_line(exc)}") from None
    except yaml.YAMLError as exc:
        raise LocatedYamlError(None, f"broken YAML: {_first_line(exc)}") from None
    except RecursionError:
        raise LocatedYamlError(None, "broken YAML: nested too deeply") from None


def line_of(mapping: Any, key: Any, default: int | None = None) -> int | None:
    """The line of ``key`` in a loaded mapping, else the mapping's own line, else ``default``."""
    lines = getattr(mapping, "lines", None)
    if not lines:
        return default
    return lines.get(key, lines.get("__start__", default))
