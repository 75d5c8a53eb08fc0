"""How the contract's YAML files are written, so that an edited file is byte-identical to a rebuilt one.

``tools/build_contract.py`` writes every file with ``dump``. ``load_styled`` reads a file back keeping the
quoting of each quoted scalar: the build tool quotes some ``$ref`` values (the ones it rewrites after
dumping) and not others with the same text, so a plain load + dump would not reproduce the file. Together
they let ``calibrate --apply`` edit the split files exactly as the build tool would have written them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import yaml

try:  # libyaml parses ~10x faster; the dumper stays pure Python so the output never depends on the build.
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader


class QuotedStr(str):
    """A string that was quoted in its source file, with the quote character it used."""

    style: str = "'"


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # anchors make a reviewed diff unreadable


def _str_rep(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _quoted_rep(dumper: yaml.SafeDumper, data: QuotedStr) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style=data.style)


Dumper.add_representer(str, _str_rep)
Dumper.add_representer(QuotedStr, _quoted_rep)
Dumper.add_representer(OrderedDict, lambda d, data: d.represent_dict(data.items()))


def dump(obj: Any) -> str:
    """The contract's YAML: insertion order, no anchors, Unicode as is, 120 columns."""
    return yaml.dump(obj, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=120)


class _StyledLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


def _construct_str(loader: Any, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    if node.style in ("'", '"'):
        quoted = QuotedStr(value)
        quoted.style = node.style
        return quoted
    return str(value)


_StyledLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def load_styled(text: str) -> Any:
    """Parse YAML, remembering which strings were quoted (``dump`` quotes them the same way again)."""
    return yaml.load(text, Loader=_StyledLoader)  # noqa: S506 - a SafeLoader subclass
