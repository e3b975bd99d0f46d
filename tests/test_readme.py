"""The README's library example runs as written, against the recorded sample story."""
from __future__ import annotations

import re
import shutil

from conftest import CORPUS, ROOT, SAMPLE_CASSETTE


def test_the_library_example_in_the_readme_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## As a library\n\n```python\n(.*?)```", readme, re.S).group(1)
    shutil.copytree(CORPUS, tmp_path / "articles")
    shutil.copy(SAMPLE_CASSETTE, tmp_path / "answers.jsonl")
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed and all(line.split()[0] in ("high", "medium", "low") for line in printed)


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
