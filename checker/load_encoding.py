"""The encoding of a text file that is not UTF-8, detected with charset-normalizer (pure).

`detect_encoding` names a Python codec that decodes the bytes, or None when nothing reads them
as text. Short texts fit many single-byte code pages equally well (charset-normalizer calls
"café" Farsi in cp1006), so among the candidates that read the bytes with the least chaos the
code page a newsroom is likely to use wins, Western European first.
"""
from __future__ import annotations

from charset_normalizer import from_bytes

# Most likely first; a candidate outside this list wins only when none of these fits as well.
_LIKELY = ("cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "iso8859_5",
           "cp1253", "iso8859_7", "cp1254", "iso8859_9", "cp1257", "mac_roman", "cp932", "shift_jis",
           "euc_jp", "gb18030", "big5", "euc_kr", "cp1255", "cp1256")


def detect_encoding(data: bytes) -> str | None:
    """The codec that best reads `data` as text, or None when no codec does."""
    matches = list(from_bytes(data))
    if not matches:
        return None
    least_chaos = min(match.chaos for match in matches)
    tied = [match for match in matches if match.chaos == least_chaos]
    fitting = {name for match in tied for name in (match.encoding, *match.could_be_from_charset)}
    for name in _LIKELY:
        if name in fitting and _decodes(data, name):
            return name
    return tied[0].encoding


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
