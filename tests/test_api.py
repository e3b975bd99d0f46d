"""The library's contract: a synchronous and an async entry point, typed results, reports that
read back, CI that never asks a model by default, and pure stages that never reach a model."""
from __future__ import annotations

import ast
import asyncio
import subprocess
import sys

import pytest
from conftest import CORPUS, ROOT, SAMPLE_CASSETTE

from checker import Report, Settings, check, check_async
from checker.errors import ConfigurationError
from checker.types import Finding

PURE_STAGES = ("load", "chunk", "align", "sentences", "resolve", "group", "timeexpr", "quantity",
               "candidates", "quotes", "vetoes", "stories", "corroborate", "findings", "report",
               "render_html", "render_markdown", "types", "disjoint")
MODEL_SIDE = {"gateway", "openai_transport", "extract", "survey", "verify", "confirm_entities",
              "pipeline", "api", "batch", "estimate", "cli", "openai"}


def test_check_inside_a_running_loop_says_to_use_check_async():
    async def app():
        with pytest.raises(ConfigurationError, match="check_async"):
            check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
        return await check_async([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)

    report = asyncio.run(app())
    assert report.contradictions and all(isinstance(f, Finding) for f in report.contradictions)


def test_typed_views_match_the_json_and_a_saved_report_reads_back(tmp_path):
    report = check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    assert [f.id for f in report.contradictions] == [f["id"] for f in report.data["contradictions"]]
    assert all(len(f.sides) >= 2 and f.sides[0].claim_ids for f in report.contradictions)
    assert [c.independent_sources for c in report.corroborations] == [
        c["independent_sources"] for c in report.data["corroborations"]]
    assert {d.id for d in report.documents} == {p.stem for p in CORPUS.glob("*.txt")}
    report.write(tmp_path)
    again = Report.read(tmp_path / "report.json", report.texts)
    assert again.to_json() == report.to_json() and again.to_html() == report.to_html()
    assert again.to_markdown() == report.to_markdown()
    assert Report.read(tmp_path / "report.json").to_html()  # renders without the full texts too


def test_the_report_schema_and_the_finding_type_name_the_same_fields():
    import dataclasses
    import json
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    item = schema["properties"]["contradictions"]["items"]
    assert set(item["properties"]) == {f.name for f in dataclasses.fields(Finding)}
    assert set(item["required"]) <= set(item["properties"])


def test_ci_defaults_to_replay_and_an_explicit_mode_still_wins():
    assert Settings.from_env({"CI": "true"}).mode == "replay"
    assert Settings.from_env({}).mode == "record"
    assert Settings.from_env({"CI": "true", "CHECKER_MODE": "record"}).mode == "record"


def test_importing_checker_or_a_pure_stage_loads_no_model_client():
    for module in ("checker", *(f"checker.{m}" for m in PURE_STAGES)):
        code = (f"import sys, {module}; bad = [m for m in sys.modules if m == 'openai' or "
                "m in ('checker.gateway', 'checker.openai_transport', 'checker.pipeline')]; "
                "print(bad); sys.exit(1 if bad else 0)")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 0, f"import {module} loads {result.stdout.strip()}"


def imported_modules(path) -> set[str]:
    """checker modules (and openai) a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.split(".")[0] in ("checker", "openai"):
                parts = node.module.split(".")
                found.add(parts[1] if parts[0] == "checker" and len(parts) > 1 else parts[0])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names if a.name.startswith("openai"))
    return found


def test_no_pure_stage_imports_the_gateway_the_openai_transport_or_a_model_calling_stage():
    for stage in PURE_STAGES:
        reached, todo = set(), [stage]
        while todo:  # everything the stage's imports import, transitively
            module = todo.pop()
            path = ROOT / "checker" / f"{module}.py"
            if module in reached or not path.exists():
                continue
            reached.add(module)
            todo.extend(imported_modules(path))
        assert not reached & MODEL_SIDE, f"{stage} reaches {sorted(reached & MODEL_SIDE)}"
