"""Prompt templates paired with the JSON Schemas of their answers.

Each `prompts/NAME.md` pairs with `schemas/NAME.schema.json`. A template has a
`<<<system>>>` and a `<<<user>>>` section with `$variables`; rendering is strict (a missing
or unused variable is an error). A prompt's version hashes its text and its schema, so an
edit to either changes every request key built from it.
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .errors import ConfigurationError, PromptRenderError
from .identity import tagged_hash

_SECTION = re.compile(r"^<<<(system|user)>>>\s*$", re.MULTILINE)


def resource_dir(name: str) -> Path:
    """prompts/ or schemas/: inside the installed package (wheel), else at the repo top."""
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise ConfigurationError(f"checker's {name}/ folder is missing from this installation",
                             setting=name)


@cache
def load_schema(schema_id: str) -> dict[str, Any]:
    path = resource_dir("schemas") / f"{schema_id}.schema.json"
    if not path.is_file():
        raise ConfigurationError(f"no schema named {schema_id!r} in {path.parent}", setting="schema")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def schema_validator(schema_id: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(schema_id))


@dataclass(frozen=True)
class Prompt:
    name: str
    system: string.Template
    user: string.Template
    version: str

    @property
    def schema_id(self) -> str:
        return self.name

    @property
    def ref(self) -> str:
        """"name@version": how a request names its prompt; the version covers text and schema."""
        return f"{self.name}@{self.version}"

    @property
    def variables(self) -> set[str]:
        found: set[str] = set()
        for template in (self.system, self.user):
            found.update(m.group("named") or m.group("braced")
                         for m in template.pattern.finditer(template.template)
                         if m.group("named") or m.group("braced"))
        return found

    def render(self, **values: Any) -> list[dict[str, str]]:
        """Chat messages for these values; every variable must be given, and only those."""
        expected = self.variables
        missing = expected - values.keys()
        unexpected = values.keys() - expected
        if missing or unexpected:
            raise PromptRenderError(self.name, missing=list(missing), unexpected=list(unexpected))
        text = {k: str(v) for k, v in values.items()}
        return [{"role": "system", "content": self.system.substitute(text)},
                {"role": "user", "content": self.user.substitute(text)}]


@cache
def load_prompt(name: str) -> Prompt:
    path = resource_dir("prompts") / f"{name}.md"
    if not path.is_file():
        raise ConfigurationError(f"no prompt named {name!r} in {path.parent}", setting="prompt")
    text = path.read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    # split gives [preamble, "system", body, "user", body]; the preamble is a comment for humans
    sections = dict(zip(parts[1::2], parts[2::2], strict=False))
    if set(sections) != {"system", "user"}:
        raise ConfigurationError(f"prompt {name!r} needs one <<<system>>> and one <<<user>>> section",
                                 setting="prompt")
    schema = load_schema(name)
    version = tagged_hash({"prompt": text, "schema": schema})
    return Prompt(name=name, system=string.Template(sections["system"].strip("\n")),
                  user=string.Template(sections["user"].strip("\n")), version=version)
