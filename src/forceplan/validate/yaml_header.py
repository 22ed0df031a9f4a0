"""Read ``scenario.yaml`` safely: bounded in size, depth and aliases; duplicate keys reported.

A header is a handful of settings. A file from elsewhere may be hostile (a
"billion laughs" of nested aliases, thousands of nesting levels) or careless (a
setting given twice, where YAML silently keeps the last). This reader composes
the YAML node graph with limits, reports every violation as a located problem
and never follows an alias more often than a small budget allows.
"""

from __future__ import annotations

from typing import Any

import yaml

from forceplan.validate.problems import Problem

MAX_HEADER_BYTES = 1_000_000
"""Largest ``scenario.yaml`` read (a real header is a few KB)."""
MAX_DEPTH = 20
"""Deepest nesting of mappings and lists (the header nests two levels)."""
MAX_ALIASES = 20
"""Most aliases (``*name``) a header may use."""
MAX_NODES = 10_000
"""Most values the header may hold once every alias is expanded."""

FORMAT_FIX = "write one 'key: value' per line; lists as [a, b] ; indent nested settings."


class _Limit(yaml.YAMLError):
    """A limit of this reader was exceeded at *mark*."""

    def __init__(self, problem: str, fix: str, mark: Any):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix
        self.problem_mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader whose composer counts nesting depth and aliases."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _Limit(
                    f"it uses more than {MAX_ALIASES} YAML aliases (*{event.anchor})",
                    "write each value out in full instead of repeating it with &anchor and *alias.",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Limit(
                    f"settings are nested more than {MAX_DEPTH} levels deep",
                    "the header nests settings at most two levels (e.g. solver: gap:); remove "
                    "the extra levels.",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _expanded_size(root: yaml.Node) -> int:
    """Number of values the node graph holds once aliases are expanded (memoised, linear).

    A node that contains itself (``a: &a [*a]``) would expand without end: its
    size is taken as over :data:`MAX_NODES`.
    """
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            children = [n for kv in node.value for n in kv]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if done or not children:
            open_.discard(key)
            total = 1 + sum(sizes.get(id(c), 0) for c in children)
            sizes[key] = min(total, MAX_NODES + 1)  # a cap keeps the numbers small
            continue
        if key in open_:  # reached again while its children are being counted: a cycle
            return MAX_NODES + 1
        open_.add(key)
        stack.append((node, True))
        for c in children:
            if id(c) in open_:
                return MAX_NODES + 1
            if id(c) not in sizes:
                stack.append((c, False))
    return sizes[id(root)]


def _keys(root: yaml.Node, file: str) -> tuple[dict[str, int], list[Problem]]:
    """Dotted key -> line of every mapping key, and a problem for each key given twice."""
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    seen_nodes: set[int] = set()

    def walk(node: yaml.Node, prefix: str) -> None:
        if not isinstance(node, yaml.MappingNode) or id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        here: dict[str, int] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.tag == "tag:yaml.org,2002:merge":
                continue
            key = f"{prefix}{k.value}"
            line = k.start_mark.line + 1
            if k.value in here:
                problems.append(
                    Problem(
                        "error",
                        "duplicate-setting",
                        f"setting '{key}' is given twice (first on line {here[k.value]}); "
                        "YAML would silently keep only the last one.",
                        f"keep one '{k.value}:' line and delete the other.",
                        file=file,
                        row=line,
                        column=key,
                    )
                )
            else:
                here[k.value] = line
                lines.setdefault(key, line)
            walk(v, key + ".")

    walk(root, "")
    return lines, problems


def _format_problem(exc: yaml.YAMLError, file: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    where = (
        f" ({context} that starts on line {context_mark.line + 1})"
        if context and context_mark and (mark is None or context_mark.line != mark.line)
        else ""
    )
    what = "cannot be read" if isinstance(exc, _Limit) else "is not valid YAML"
    return Problem(
        "error",
        "header-format",
        f"{file} {what}: {getattr(exc, 'problem', None) or exc}{where}.",
        getattr(exc, "fix", FORMAT_FIX),
        file=file,
        row=mark.line + 1 if mark else None,
    )


def header_too_large(file: str) -> Problem:
    """The problem of a header file over :data:`MAX_HEADER_BYTES`."""
    return Problem(
        "error",
        "header-format",
        f"{file} is larger than {MAX_HEADER_BYTES // 1000} KB; a scenario header holds a few "
        "settings.",
        "keep only the header settings in it (tables go in their own CSV files).",
        file=file,
    )


def parse_header_yaml(text: str, file: str) -> tuple[Any, dict[str, int], list[Problem]]:
    """Parse header YAML text within the limits of this module.

    Parameters
    ----------
    text
        The file's text.
    file
        Name shown in problems.

    Returns
    -------
    data, lines, problems
        The parsed data (``None`` when it cannot be read), dotted key -> line of
        every setting, and every problem found: ``header-format`` when the text
        cannot be read (then *data* is ``None``), ``duplicate-setting`` for each
        key given twice (*data* then keeps the last value, and the caller must
        not use it as a valid header).

    Examples
    --------
    >>> data, lines, problems = parse_header_yaml("a: 1\\nb: 2\\na: 3\\n", "s.yaml")
    >>> lines, [(p.rule, p.row, p.column) for p in problems]
    ({'a': 1, 'b': 2}, [('duplicate-setting', 3, 'a')])
    """
    if len(text) > MAX_HEADER_BYTES:
        return None, {}, [header_too_large(file)]
    loader = _BoundedLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}, []
        if _expanded_size(root) > MAX_NODES:
            raise _Limit(
                f"it expands to more than {MAX_NODES:,} values through its aliases",
                "write each value out in full instead of repeating it with &anchor and *alias.",
                root.start_mark,
            )
        lines, problems = _keys(root, file)
        data = loader.construct_document(root)
    except yaml.YAMLError as exc:
        return None, {}, [_format_problem(exc, file)]
    except RecursionError:  # defensive: the depth limit should stop this first
        return (
            None,
            {},
            [
                Problem(
                    "error",
                    "header-format",
                    f"{file} is nested too deeply to read.",
                    FORMAT_FIX,
                    file=file,
                )
            ],
        )
    finally:
        loader.dispose()
    return data, lines, problems
