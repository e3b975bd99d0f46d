"""checker: find what several articles about one story agree on and where they contradict.

    from checker import check
    report = check(["articles/"])          # settings from the environment
    report.to_json(); report.to_markdown(); report.to_html()
"""
from .api import check
from .errors import CheckerError
from .gateway import ModelRequest, ModelResponse, Usage
from .load import Document, make_document
from .report import Report
from .settings import Settings

__version__ = "0.1.0"
__all__ = ["check", "CheckerError", "Document", "make_document", "ModelRequest", "ModelResponse",
           "Report", "Settings", "Usage", "__version__"]
