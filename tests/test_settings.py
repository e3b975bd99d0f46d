"""Settings: keyword arguments over the environment over defaults, validated loudly."""
from __future__ import annotations

import pytest

from checker.errors import ConfigurationError
from checker.settings import Settings, reviewer_name


def test_keywords_beat_the_environment_which_beats_defaults():
    env = {"CHECKER_MODEL": "env-model", "CHECKER_CONCURRENCY": "3"}
    settings = Settings.from_env(env, model="kw-model")
    assert (settings.model, settings.concurrency, settings.seed) == ("kw-model", 3, 7)


@pytest.mark.parametrize("variable, value, words", [
    ("CHECKER_MODE", "replya", "is not one of: replay, record, live"),
    ("CHECKER_STRUCTURED_OUTPUT", "xml", "is not one of"),
    ("CHECKER_CONCURRENCY", "0", "at least 1"),
    ("CHECKER_TEMPERATURE", "hot", "not a valid float"),
    ("CHECKER_CHUNK_OVERLAP", "5000", "smaller than chunk_tokens"),
    ("CHECKER_SURVEY_TOKENS", "100", "at least 256"),
    ("CHECKER_VERIFY_PER_CLAIM", "0", "must be positive"),
    ("CHECKER_VERIFY_PER_CLAIM", "many", "not a valid float"),
])
def test_a_bad_value_is_one_line_naming_its_variable(variable, value, words):
    with pytest.raises(ConfigurationError) as err:
        Settings.from_env({variable: value})
    assert variable in str(err.value) and words in str(err.value) and "\n" not in str(err.value)
    assert err.value.setting == variable


def test_a_pasted_key_loses_its_newline_and_never_shows_in_repr():
    settings = Settings.from_env({"OPENAI_API_KEY": "sk-pasted\n"})
    assert settings.api_key == "sk-pasted" and "sk-pasted" not in repr(settings)
    with pytest.raises(ConfigurationError, match="white space"):
        Settings.from_env({"OPENAI_API_KEY": "sk-a b"})


def test_unknown_keyword_settings_are_errors():
    with pytest.raises(ConfigurationError, match="unknown setting"):
        Settings.from_env({}, modle="x")


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_verification_budget_that_is_not_a_finite_number_is_one_line_naming_its_variable(value):
    with pytest.raises(ConfigurationError) as err:
        Settings.from_env({"CHECKER_VERIFY_PER_CLAIM": value})
    assert err.value.setting == "CHECKER_VERIFY_PER_CLAIM" and "\n" not in str(err.value)


def fake_git(folder, script: str) -> str:
    """A PATH holding only a `git` that runs `script` (a shell body)."""
    folder.mkdir()
    git = folder / "git"
    git.write_text(f"#!/bin/sh\n{script}\n")
    git.chmod(0o755)
    return str(folder)


def test_the_reviewer_is_checker_reviewer_then_gits_name_then_the_login(tmp_path, monkeypatch):
    from checker import settings

    named = fake_git(tmp_path / "named", 'echo "Ann Editor"')
    assert reviewer_name({"PATH": named, "USER": "ann"}) == "Ann Editor"
    assert reviewer_name({"PATH": named, "USER": "ann", "CHECKER_REVIEWER": "desk"}) == "desk"
    nameless = fake_git(tmp_path / "nameless", "exit 1")  # git config has no user.name
    assert reviewer_name({"PATH": nameless, "USER": "ann"}) == "ann"
    assert reviewer_name({"PATH": str(tmp_path / "empty"), "USERNAME": "ann"}) == "ann"  # no git
    monkeypatch.setattr(settings, "GIT_TIMEOUT", 0.2)
    hung = fake_git(tmp_path / "hung", "exec /bin/sleep 5")
    assert reviewer_name({"PATH": hung, "USER": "ann"}) == "ann"
    assert reviewer_name({"PATH": str(tmp_path / "empty")}) == "unknown"
