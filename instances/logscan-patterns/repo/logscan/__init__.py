"""logscan: classify and summarise log lines with readable format specs.

Instead of hand-written regular expressions, rules describe log lines
with *format specs* such as::

    {client:ip} - {user:word} [{time:clf}] "{method:word} {path:path} {proto:word}" {status:int} {size:int?}

Each ``{name:type}`` placeholder becomes a named group whose text is
converted by its field type (see :mod:`logscan.fields`).  A
:class:`~logscan.classifier.Classifier` tries its rules in order and
:func:`~logscan.scanner.scan` aggregates a whole log into a
:class:`~logscan.scanner.ScanReport`.
"""

from .classifier import Classification, Classifier, load_rules
from .fields import FieldType, get_field_type, register_field_type
from .report import format_report
from .rules import Rule
from .scanner import ScanReport, scan
from .spec import CompiledSpec, SpecError, compile_spec, translate

__all__ = [
    "Classification",
    "Classifier",
    "CompiledSpec",
    "FieldType",
    "Rule",
    "ScanReport",
    "SpecError",
    "compile_spec",
    "format_report",
    "get_field_type",
    "load_rules",
    "register_field_type",
    "scan",
    "translate",
]

__version__ = "0.9.1"
