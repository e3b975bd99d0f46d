"""The README's library example runs as written, against the recorded sample story."""
from __future__ import annotations

import asyncio
import re
import shutil

from conftest import CORPUS, ROOT, SAMPLE_CASSETTE


def library_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## As a library"):readme.index("## How it works")]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def in_articles_folder(tmp_path, monkeypatch) -> None:
    shutil.copytree(CORPUS, tmp_path / "articles")
    shutil.copy(SAMPLE_CASSETTE, tmp_path / "answers.jsonl")
    monkeypatch.chdir(tmp_path)


def test_the_library_example_in_the_readme_runs_with_typed_findings(tmp_path, monkeypatch, capsys):
    in_articles_folder(tmp_path, monkeypatch)
    exec(compile(library_examples()[0], "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    findings = [line for line in printed if not line.startswith("   ")]
    assert findings and all(line.split()[0] in ("high", "medium", "low") for line in findings)
    assert any(line.startswith("   ") for line in printed)  # each side's position and documents
    assert {p.name for p in (tmp_path / "report").iterdir()} == {"report.json", "report.md",
                                                                 "report.html"}


def test_the_async_example_in_the_readme_runs_inside_a_running_event_loop(tmp_path, monkeypatch):
    in_articles_folder(tmp_path, monkeypatch)
    namespace: dict = {}
    exec(compile(library_examples()[1], "README.md", "exec"), namespace)

    async def app():  # an async web app or a notebook: a loop is already running here
        return await namespace["contradictions"](["articles/"])

    found = asyncio.run(app())
    assert found and all(severity in ("high", "medium", "low") for severity, _ in found)


def test_the_readme_holds_exactly_two_setup_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = re.findall(r"^python3\.11 -m venv .*$", readme, re.M)
    assert len(setup) == 2
    assert "checker report fixtures/corpus" in setup[0] and "--mode replay" in setup[0]
    assert "pip install -e '.[test]'" in setup[1] and "pytest" in setup[1]
    assert "pip install -e '.[test]'" in (ROOT / ".ci" / "run").read_text()


def test_every_environment_variable_settings_reads_is_documented():
    from checker.settings import _ENV
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for variable, _, _ in _ENV.values():
        assert f"`{variable}`" in readme, f"{variable} is read by settings.py but not in the README"
    assert "`CHECKER_REVIEWER`" in readme


def test_every_test_the_docs_name_as_proof_exists():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for path, name in re.findall(r"(tests/[\w/]+\.py)::(\w+)", doc.read_text(encoding="utf-8")):
            source = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
            assert f"def {name}(" in source, f"{doc.name} names {path}::{name}, which does not exist"
