"""Batch path: export missing requests as a Batch API input file, import an output file.

Export writes one line per request, `{custom_id: request key, method, url, body}`, the
format of OpenAI's Batch API and vLLM's offline `run_batch`, and remembers the full
requests in the cassette's `.pending.jsonl` sidecar. Import reads a Batch API output file,
validates each answer against its schema and appends every answer to the cassette. Every line
of a batch output passes through `redact` first (a batch error may repeat the key), so neither
what import prints nor the cassette nor the `.batch-output.jsonl` copy holds a key.
"""
from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answers import parse_answer, response_from_completion, wire_body
from .atomic import atomic_write
from .bounded import json_loads
from .cassette import Cassette
from .errors import AnswersPending, ConfigurationError, InputError, ProviderError, SchemaViolation
from .model import ModelRequest
from .redact import redact

if TYPE_CHECKING:
    from .gateway import Gateway
    from .load import Document
    from .openai_transport import OpenAIBatchRunner
    from .pipeline import Progress
    from .report import Report
    from .settings import Settings

CHAT_URL = "/v1/chat/completions"


def sidecar(cassette: Cassette, suffix: str) -> Path:
    """A file kept beside the cassette, e.g. answers.pending.jsonl for answers.jsonl."""
    if cassette.path is None:
        raise ConfigurationError("the batch path needs a cassette file (--cassette)",
                                 setting="cassette")
    return cassette.path.with_name(cassette.path.stem + suffix)


def pending_path(cassette: Cassette) -> Path:
    return sidecar(cassette, ".pending.jsonl")


def read_pending(cassette: Cassette) -> dict[str, dict[str, Any]]:
    path = pending_path(cassette)
    if not path.exists():
        return {}
    pending = {}
    for number, line in enumerate(_read_state(path).splitlines(), start=1):
        if line.strip():
            try:
                request = json_loads(line)
                pending[ModelRequest.from_dict(request).key] = request
            except (ValueError, KeyError, TypeError, AttributeError):
                raise InputError(f"{path} line {number} is not an exported request",
                                 path=str(path), reason="bad-state") from None
    return pending


def _read_state(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read {path}: {err}", path=str(path), reason="bad-state") from None


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    """Atomic write: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, "".join(line + "\n" for line in lines))


def export_requests(requests: Iterable[ModelRequest], out: str | os.PathLike[str], *,
                    cassette: Cassette, structured_output: str = "auto") -> int:
    """Write the requests the cassette lacks as a Batch API input file; return how many."""
    wanted: dict[str, ModelRequest] = {}
    for request in requests:
        if request.key not in cassette:
            wanted.setdefault(request.key, request)
    _write_lines(Path(out), (json.dumps({"custom_id": key, "method": "POST", "url": CHAT_URL,
                                         "body": wire_body(request, structured_output)},
                                        ensure_ascii=False)
                             for key, request in wanted.items()))
    pending = read_pending(cassette)
    pending.update({key: request.to_dict() for key, request in wanted.items()})
    _write_lines(pending_path(cassette), (json.dumps(r, ensure_ascii=False) for r in pending.values()))
    return len(wanted)


@dataclass
class ImportSummary:
    imported: int = 0
    already_recorded: int = 0
    invalid: dict[str, str] = field(default_factory=dict)   # key -> why the answer fails its schema
    failed: dict[str, str] = field(default_factory=dict)    # custom_id -> the batch's error
    unknown: list[str] = field(default_factory=list)        # custom_ids never exported

    def lines(self) -> list[str]:
        out = [f"imported {self.imported} answers ({self.already_recorded} already recorded)"]
        out += [f"answer {k[:15]}… does not satisfy its schema and will be re-asked: {why}"
                for k, why in self.invalid.items()]
        out += [f"request {k[:15]}… failed in the batch: {why}" for k, why in self.failed.items()]
        out += [f"answer for unknown request {k!r} ignored (not exported from this cassette)"
                for k in self.unknown]
        return out


def import_answers(output_file: str | os.PathLike[str], *, cassette: Cassette,
                   provenance: dict[str, Any] | None = None,
                   secrets: Iterable[str | None] = ()) -> ImportSummary:
    """Append each answer of a Batch API output file to the cassette, with its provenance;
    `secrets` (the API key) are redacted from every line before anything is taken from it."""
    path = Path(output_file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read batch output {path}: {err}", path=str(path),
                         reason="unreadable") from None
    pending = read_pending(cassette)
    summary = ImportSummary()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        line = redact(line, *secrets)
        try:
            item = json_loads(line)
            custom_id, response = item["custom_id"], item.get("response") or {}
            if not isinstance(custom_id, str) or not isinstance(response, dict):
                raise TypeError("custom_id is not text or response is not an object")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InputError(f"{path} line {number} is not a Batch API output line",
                             path=str(path), reason="bad-batch-line") from None
        if custom_id in cassette:
            summary.already_recorded += 1
            continue
        if custom_id not in pending:
            summary.unknown.append(custom_id)
            continue
        if item.get("error") or response.get("status_code") != 200:
            summary.failed[custom_id] = json.dumps(item.get("error") or response.get("body"))[:300]
            continue
        request = ModelRequest.from_dict(pending[custom_id])
        try:
            answer = response_from_completion(response.get("body") or {}, request)
        except ProviderError as err:
            summary.failed[custom_id] = str(err)
            continue
        try:
            parse_answer(request.schema_id, answer.raw)
        except SchemaViolation as violation:
            summary.invalid[custom_id] = "; ".join(map(str, violation.violations[:3]))
        cassette.record(pending[custom_id], answer.recorded(), provenance={
            "answered_by": answer.model, "recorded_via": "batch-import",
            "batch_output": path.name, "batch_line_id": item.get("id"), **(provenance or {})})
        summary.imported += 1
    left = {k: v for k, v in pending.items() if k not in cassette}
    if left:
        _write_lines(pending_path(cassette), (json.dumps(r, ensure_ascii=False) for r in left.values()))
    else:
        pending_path(cassette).unlink(missing_ok=True)
    return summary


def _read_batch_state(path: Path) -> dict[str, Any]:
    try:
        state = json_loads(_read_state(path))
        if isinstance(state, dict) and isinstance(state.get("batch_id"), str) and isinstance(
                state.get("keys"), list) and all(isinstance(k, str) for k in state["keys"]):
            return state
    except ValueError:
        pass
    raise InputError(f"{path} is not a batch state file (delete it to submit a new batch)",
                     path=str(path), reason="bad-state")


def run_batch(requests: list[ModelRequest], *, cassette: Cassette, runner: OpenAIBatchRunner,
              structured_output: str = "auto", secrets: Iterable[str | None] = ()) -> ImportSummary:
    """Submit the requests as one batch, wait for it, and import its answers.

    The batch id is written beside the cassette before waiting, so a run killed while the
    batch is in flight resumes waiting for the same batch instead of paying for a second one.
    """
    state_path = sidecar(cassette, ".batch.json")
    keys = sorted({r.key for r in requests if r.key not in cassette})
    state = _read_batch_state(state_path) if state_path.exists() else None
    if state is None or not set(keys) <= set(state["keys"]):
        input_path = sidecar(cassette, ".batch-input.jsonl")
        export_requests(requests, input_path, cassette=cassette, structured_output=structured_output)
        state = {"batch_id": runner.submit(str(input_path)), "keys": keys}
        _write_lines(state_path, [json.dumps(state)])
    output = runner.wait(state["batch_id"])
    output_path = sidecar(cassette, ".batch-output.jsonl")
    _write_lines(output_path, [redact(line, *secrets) for line in output.splitlines() if line.strip()])
    summary = import_answers(output_path, cassette=cassette, secrets=secrets,
                             provenance={"recorded_via": "batch-api", "batch_id": state["batch_id"]})
    state_path.unlink(missing_ok=True)
    return summary


async def report_through_batches(documents: Sequence[Document], gateway: Gateway,
                                 settings: Settings, *, problems: Sequence[Any] = (),
                                 progress: Progress | None = None,
                                 notify: Callable[[str], None] | None = None) -> Report:
    """Run stage by stage: each stage's missing answers go out as one batch (files and batches
    endpoints), are imported, and the run goes on, until the report is complete. `notify`
    hears one line per batch result."""
    from .openai_transport import OpenAIBatchRunner  # only the batch path needs the client
    from .pipeline import run_async

    runner = OpenAIBatchRunner(settings, poll_seconds=settings.batch_poll_seconds, progress=progress)
    while True:
        try:
            return await run_async(documents, gateway, settings=settings, collect_misses=True,
                                   progress=progress, load_problems=problems)
        except AnswersPending as pending:
            # polling sleeps: keep it off the event loop
            summary = await asyncio.to_thread(
                run_batch, pending.requests, cassette=gateway.cassette, runner=runner,
                structured_output=settings.structured_output, secrets=[settings.api_key])
            for line in summary.lines()[1:]:
                if notify is not None:
                    notify(line)
            if summary.imported == 0:
                raise ProviderError(f"the batch for stage {pending.stage!r} returned no usable "
                                    "answer; nothing more can be done", retryable=False) from None
