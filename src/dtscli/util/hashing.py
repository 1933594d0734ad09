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


def quick_digest(data: bytes) -> str:
    """A 128-bit BLAKE2b digest of bytes a cache compares often (a folder's stamps): faster
    than SHA-1 here, and CPython's own module, not OpenSSL's."""
    try:
        from _blake2 import blake2b
    except ImportError:  # another Python
        from hashlib import blake2b
    return blake2b(data, digest_size=16).hexdigest()
