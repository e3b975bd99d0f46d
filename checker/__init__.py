"""checker: find what several articles about one story agree on and where they contradict.

    from checker import check
    report = check(["articles/"])          # settings from the environment
    report.to_json(); report.to_markdown(); report.to_html()

    report = await check_async(["articles/"])   # inside a running event loop

    verdicts = check_draft("draft.md", ["articles/"])   # a draft against its sources

The names below load on first use, so importing one stage (`checker.quantity`) loads only what
that stage needs, and nothing here imports the openai client until a model call is made.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {"check": "api", "check_async": "api", "check_draft": "api", "check_draft_async": "api",
            "DraftReport": "draft_report", "CheckerError": "errors", "Document": "load",
            "make_document": "load", "ModelRequest": "model", "ModelResponse": "model",
            "Usage": "model", "Transport": "model", "Report": "report", "Settings": "settings"}
__all__ = ["check", "check_async", "check_draft", "check_draft_async", "DraftReport",
           "CheckerError", "Document", "make_document", "ModelRequest",
           "ModelResponse", "Usage", "Transport", "Report", "Settings", "__version__"]

if TYPE_CHECKING:
    from .api import check, check_async, check_draft, check_draft_async
    from .draft_report import DraftReport
    from .errors import CheckerError
    from .load import Document, make_document
    from .model import ModelRequest, ModelResponse, Transport, Usage
    from .report import Report
    from .settings import Settings


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'checker' has no attribute {name!r}")
