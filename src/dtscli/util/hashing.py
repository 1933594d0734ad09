"""The content hash of a file, as the caches keep it (cache/) and the parser records it
(base/yamlfile.py): one function, so that every cache compares the same digests."""

from __future__ import annotations


def sha1_hex(data: bytes) -> str:
    """CPython's own SHA-1 module when it has one: hashlib loads OpenSSL first, a few
    milliseconds on every check."""
    try:
        from _sha1 import sha1
    except ImportError:  # another Python
        from hashlib import sha1
    return sha1(data).hexdigest()
