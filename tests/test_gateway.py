"""The gateway over real HTTP: the openai client talking to our server on 127.0.0.1."""
from __future__ import annotations

import asyncio
import json
import socket

import pytest
from oai_server import FakeOpenAI, Reply, completion, error

from checker.cassette import Cassette
from checker.errors import CassetteMiss, ConfigurationError, ExtractionFailed, ProviderError
from checker.gateway import Gateway
from checker.model import ModelRequest, ModelResponse
from checker.settings import Settings

OK = {"summaries": [{"doc": "D1", "summary": "ok"}], "tensions": []}
VALID = json.dumps(OK)


def make_gateway(server: FakeOpenAI | None, *, mode: str = "live", cassette: Cassette | None = None,
                 **settings) -> Gateway:
    base = dict(api_key="sk-test-not-a-real-key", reasks=2, mode=mode)
    if server is not None:
        base["base_url"] = server.base_url
    return Gateway(settings=Settings(**{**base, **settings}), cassette=cassette)


def survey_request(gateway: Gateway, text: str = "Summarise this.") -> ModelRequest:
    return gateway.request(messages=[{"role": "system", "content": "You summarise."},
                                     {"role": "user", "content": text}],
                           prompt="survey_story@test", schema_id="survey_story")


def complete(gateway: Gateway, request: ModelRequest) -> ModelResponse:
    return asyncio.run(gateway.complete(request))


def test_round_trip_sends_strict_json_schema_and_returns_validated_data():
    with FakeOpenAI() as server:
        server.queue(VALID)
        gateway = make_gateway(server, seed=3, temperature=0.2, max_tokens=99)
        response = complete(gateway, survey_request(gateway))
    assert response.data == OK
    assert response.model == "fake-model"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (11, 7)
    sent = server.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert sent["response_format"]["json_schema"]["schema"]["required"] == ["summaries", "tensions"]
    assert (sent["seed"], sent["temperature"], sent["max_tokens"]) == (3, 0.2, 99)
    assert sent["messages"][1] == {"role": "user", "content": "Summarise this."}


def test_429_with_retry_after_is_retried_after_the_wait():
    with FakeOpenAI() as server:
        server.queue(error(429, "slow down", headers={"retry-after": "1"}), VALID)
        gateway = make_gateway(server)
        response = complete(gateway, survey_request(gateway))
    assert response.data == OK
    assert len(server.requests) == 2
    assert server.arrivals[1] - server.arrivals[0] >= 0.95  # waited as the server asked


def test_schema_violation_is_reasked_with_the_validators_message():
    with FakeOpenAI() as server:
        wrong = json.dumps({"summaries": [{"doc": "D1", "summary": 42}], "tensions": []})
        server.queue(wrong, VALID)
        gateway = make_gateway(server)
        response = complete(gateway, survey_request(gateway))
    assert response.data == OK
    reask = server.requests[1]["messages"]
    assert reask[2] == {"role": "assistant", "content": wrong}
    assert "$['summaries'][0]['summary']: 42 is not of type 'string'" in reask[3]["content"]


def test_reasks_are_bounded_and_end_in_extraction_failed():
    with FakeOpenAI() as server:
        server.queue("not json", "still not json")
        gateway = make_gateway(server, reasks=1)
        with pytest.raises(ExtractionFailed) as failed:
            complete(gateway, survey_request(gateway))
    assert failed.value.attempts == 2
    assert "not valid JSON" in str(failed.value.last_error)
    assert len(server.requests) == 2


def test_server_without_json_schema_support_gets_json_mode():
    with FakeOpenAI() as server:
        server.queue(error(400, "response_format json_schema is not supported"), VALID, VALID)
        gateway = make_gateway(server)
        complete(gateway, survey_request(gateway, "one"))
        complete(gateway, survey_request(gateway, "two"))
    formats = [r["response_format"]["type"] for r in server.requests]
    assert formats == ["json_schema", "json_object", "json_object"]


def test_persistent_5xx_becomes_a_provider_error_with_status_at_the_retry_deadline():
    with FakeOpenAI(model=lambda body: error(503, "overloaded")) as server:
        gateway = make_gateway(server, retry_deadline=0.5)
        with pytest.raises(ProviderError) as failed:
            complete(gateway, survey_request(gateway))
    assert (failed.value.status, failed.value.retryable) == (503, True)
    assert failed.value.attempts == len(server.requests) >= 2  # backed off and retried, then stopped
    assert "HTTP 503" in str(failed.value) and "CHECKER_RETRY_DEADLINE=0.5 s" in str(failed.value)


def test_the_openai_client_never_retries_on_its_own():
    with FakeOpenAI() as server:
        gateway = make_gateway(server)
        assert gateway.transport.client.max_retries == 0
        asyncio.run(gateway.aclose())


def test_truncated_answer_is_a_provider_error_not_a_reask():
    with FakeOpenAI() as server:
        server.queue(Reply(200, completion('{"summaries": [{"do', finish_reason="length")))
        gateway = make_gateway(server)
        with pytest.raises(ProviderError, match="cut off at max_tokens"):
            complete(gateway, survey_request(gateway))
    assert len(server.requests) == 1


def test_record_then_replay_without_a_server(tmp_path):
    path = tmp_path / "cassette.jsonl"
    with FakeOpenAI() as server:
        server.queue(VALID)
        gateway = make_gateway(server, mode="record", cassette=Cassette(path))
        recorded = complete(gateway, survey_request(gateway))
    entry = json.loads(path.read_text().splitlines()[0])
    assert entry["provenance"]["answered_by"] == "fake-model"
    assert entry["provenance"]["recorded_via"] == "live"
    assert "sk-test" not in path.read_text()
    replayer = make_gateway(None, mode="replay", cassette=Cassette(path), api_key=None)
    replayed = complete(replayer, survey_request(replayer))
    assert replayed.data == recorded.data and replayed.from_cassette
    assert replayer.calls == 0


def test_replay_miss_names_the_nearest_request_and_how_to_rerecord(tmp_path):
    path = tmp_path / "cassette.jsonl"
    with FakeOpenAI() as server:
        server.queue(VALID)
        gateway = make_gateway(server, mode="record", cassette=Cassette(path))
        complete(gateway, survey_request(gateway, "Summarise this."))
    replayer = make_gateway(None, mode="replay", cassette=Cassette(path), api_key=None)
    with pytest.raises(CassetteMiss) as miss:
        complete(replayer, survey_request(replayer, "Summarise that."))
    message = str(miss.value)
    assert "survey_story@test" in message
    assert ("messages[1] (user) from character 12: recorded 'Summarise this.' vs requested "
            "'Summarise that.'") in message
    assert "--mode record" in message and "checker export" in message
    assert miss.value.nearest.key == json.loads(path.read_text())["key"]


def test_missing_key_on_a_live_call_is_one_line_naming_the_variable(tmp_path):
    gateway = Gateway(settings=Settings(mode="record", api_key=None),
                      cassette=Cassette(tmp_path / "c.jsonl"))
    with pytest.raises(ConfigurationError) as err:
        complete(gateway, survey_request(gateway))
    assert err.value.setting == "OPENAI_API_KEY"
    assert "\n" not in str(err.value)


def test_any_callable_is_a_transport():
    seen = []

    def transport(request: ModelRequest) -> ModelResponse:
        seen.append(request)
        return ModelResponse(raw=VALID, model="my-model")

    gateway = Gateway(settings=Settings(mode="live"), transport=transport)
    assert complete(gateway, survey_request(gateway)).data == OK
    assert seen[0].schema_id == "survey_story"


def test_request_key_changes_with_any_field_that_changes_the_answer():
    gateway = make_gateway(None)
    base = survey_request(gateway)
    assert base.key.startswith("v1:") and len(base.key) == 67
    assert survey_request(gateway).key == base.key
    assert survey_request(gateway, "Other text.").key != base.key
    from dataclasses import replace
    for change in ({"model": "other"}, {"seed": 8}, {"temperature": 0.5}, {"max_tokens": 5},
                   {"prompt": "survey_story@v2"}):
        assert replace(base, **change).key != base.key


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_network_beyond_loopback_is_blocked():
    from pytest_socket import SocketConnectBlockedError
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)


def test_concurrency_bounds_the_calls_in_flight():
    in_flight = peak = 0

    async def transport(request: ModelRequest) -> ModelResponse:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.02)
        in_flight -= 1
        return ModelResponse(raw=VALID, model="m")

    async def go():
        gateway = Gateway(settings=Settings(mode="live", concurrency=3), transport=transport)
        await asyncio.gather(*(gateway.complete(survey_request(gateway, f"text {i}")) for i in range(12)))

    asyncio.run(go())
    assert peak == 3
