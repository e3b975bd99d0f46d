"""Tests for checker.cassette: every line validated on load, and several writers on one cassette.

The writers are real processes (forked by multiprocessing), each with its own Cassette loaded
before the other wrote: the case where, without a lock and a re-read, one cuts off what the
other recorded, records an answer twice, or leaves a blank line that breaks every later load.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
from pathlib import Path

import pytest

from checker.cassette import Cassette
from checker.cli import main
from checker.errors import InputError
from checker.gateway import Gateway
from checker.identity import tagged_hash
from checker.model import ModelRequest, ModelResponse
from checker.settings import Settings

FORK = multiprocessing.get_context("fork")


def request(name: str) -> dict:
    return ModelRequest.build(model="m", messages=[{"role": "user", "content": f"question {name}"}],
                              schema_id="s", prompt="p@v1").to_dict()


def response(name: str) -> dict:
    return ModelResponse(raw=f'{{"answer": "{name}"}}', model="m").recorded()


def entry_line(name: str) -> str:
    return json.dumps({"key": tagged_hash(request(name)), "request": request(name),
                       "response": response(name), "provenance": {}})


def keys_on_disk(path: Path) -> list[str]:
    data = path.read_bytes()
    assert data.endswith(b"\n") and b"\n\n" not in data, "a torn tail or a blank line was left"
    return [json.loads(line)["key"] for line in data.splitlines()]


def writer(path: Path, names: list[str], loaded, go) -> None:
    cassette = Cassette(path)  # loaded now: it has not seen what the other process will write
    loaded.set()
    assert go.wait(30)
    for name in names:
        cassette.record(request(name), response(name), provenance={"by": "writer"})


def two_writers(path: Path, first: list[str], second: list[str], *, together: bool) -> None:
    """Both load the cassette; then the first records and the second after it, or both at once."""
    events = [FORK.Event() for _ in range(4)]
    processes = [FORK.Process(target=writer, args=(path, names, loaded, go))
                 for names, loaded, go in ((first, *events[:2]), (second, *events[2:]))]
    for process in processes:
        process.start()
    assert events[0].wait(30) and events[2].wait(30)
    if together:
        events[1].set(), events[3].set()
    else:
        events[1].set()
        processes[0].join(30)
        events[3].set()
    for process in processes:
        process.join(30)
        assert process.exitcode == 0


def test_two_writers_after_a_torn_tail_both_keep_every_answer(tmp_path):
    path = tmp_path / "c.jsonl"
    torn = entry_line("torn")
    path.write_text(entry_line("old1") + "\n" + entry_line("old2") + "\n" + torn[:len(torn) // 2])
    assert Cassette(path).torn_tail
    two_writers(path, ["a1", "a2", "shared"], ["b1", "shared", "b2"], together=False)
    names = ["old1", "old2", "a1", "a2", "shared", "b1", "b2"]
    assert keys_on_disk(path) == [tagged_hash(request(n)) for n in names]  # each once, in order
    assert not Cassette(path).torn_tail and len(Cassette(path)) == 7


def test_two_writers_after_a_missing_final_newline_leave_a_valid_file(tmp_path, capsys):
    path = tmp_path / "c.jsonl"
    path.write_text(entry_line("old1") + "\n" + entry_line("old2"))  # an editor dropped the newline
    two_writers(path, ["a1"], ["b1"], together=False)
    assert keys_on_disk(path) == [tagged_hash(request(n)) for n in ("old1", "old2", "a1", "b1")]
    assert main(["cassette", str(path), "--json"]) == 0  # a later run loads it
    assert len(json.loads(capsys.readouterr().out)["entries"]) == 4


def test_two_writers_at_once_record_every_answer_exactly_once(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(entry_line("old") + "\n" + entry_line("torn")[:40])
    first = [f"a{n}" for n in range(20)] + [f"shared{n}" for n in range(10)]
    second = [f"shared{n}" for n in range(10)] + [f"b{n}" for n in range(20)]
    two_writers(path, first, second, together=True)
    keys = keys_on_disk(path)
    assert len(keys) == len(set(keys)) == 51
    assert set(keys) == {tagged_hash(request(n)) for n in ["old", *first, *second]}


def test_an_answer_another_process_recorded_since_loading_is_not_bought_again(tmp_path):
    path = tmp_path / "c.jsonl"
    ours, theirs = Cassette(path), Cassette(path)  # two runs, both started on an empty cassette
    wanted = ModelRequest.from_dict(request("q"))
    theirs.record(wanted.to_dict(), response("q"), provenance={})
    calls = []

    def transport(req):
        calls.append(req)
        return ModelResponse(raw='{"answer": "bought again"}', model="m")

    gateway = Gateway(settings=Settings(mode="record"), cassette=ours, transport=transport)
    answer = asyncio.run(gateway.answer(wanted))
    assert calls == [] and answer.raw == '{"answer": "q"}' and answer.from_cassette


BAD_LINES = {  # a line that no replay could use -> the words that say why
    "a line nested 100,000 deep": ("[" * 100_000 + "]" * 100_000, "nested deeper than 100 levels"),
    "response {}": (json.dumps({"key": "v1:x", "request": request("x"), "response": {},
                                "provenance": {}}), "response.raw is not text"),
    "a raw that is not text": (entry_line("x").replace('"raw": "{\\"answer\\": \\"x\\"}"', '"raw": 5'),
                               "response.raw is not text"),
    "usage that is no count": (entry_line("x").replace('"prompt_tokens": 0', '"prompt_tokens": "lots"'),
                               "response.usage is not a pair of token counts"),
    "a request without messages": (json.dumps({"key": "v1:x", "request": {"prompt": "p"},
                                               "response": response("x"), "provenance": {}}),
                                   "request needs a prompt and messages of text"),
    "a bare number": ("7", "expected an object, got int"),
    "bytes that are not UTF-8": ('{"key": "\xe9"}', "is not JSON"),
}


@pytest.mark.parametrize("kind", list(BAD_LINES), ids=list(BAD_LINES))
def test_a_bad_line_is_one_error_naming_the_cassette_and_the_line(kind, tmp_path):
    line, why = BAD_LINES[kind]
    path = tmp_path / "c.jsonl"
    path.write_bytes((entry_line("good") + "\n" + line + "\n").encode("latin-1" if "\xe9" in line
                                                                     else "utf-8"))
    with pytest.raises(InputError) as caught:
        Cassette(path)
    message = str(caught.value)
    assert message.startswith(f"cassette {path} line 2 is not a cassette entry: ")
    assert why in message and "\n" not in message and caught.value.reason == "corrupt-cassette"


def test_a_blank_line_an_older_checker_left_is_skipped(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(entry_line("a") + "\n\n" + entry_line("b") + "\n")
    assert len(Cassette(path)) == 2
