"""Deduplication keys: canonical URLs and content hashes (near-duplicates live here too)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from watchfloor.records import Article, content_hash

__all__ = [
    "NearDuplicateIndex",
    "link_near_duplicates",
    "TRACKING_PARAMETERS",
    "canonical_url",
    "content_hash",
    "minhash_signature",
    "shingles",
    "signature_similarity",
]

# Query parameters that say how a reader arrived, not what they read.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "cmpid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "ocid",
        "smid",
        "sr_share",
        "spm",
        "_ga",
        "_gl",
        "yclid",
        "at_medium",
        "at_campaign",
    }
)


def canonical_url(url: str | None) -> str | None:
    """The URL with tracking parameters, fragments, default ports and case noise removed.

    >>> canonical_url("HTTPS://Example.com:443/a/?utm_source=x&id=3#top")
    'https://example.com/a?id=3'
    """
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else (f"{host}:{port}")
    )
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


# -- near duplicates (ingest/feeds.py, pages.py, watch.py) ------------------------------------
# A syndicated wire story reappears under other outlets' URLs with a new headline, a byline, a
# trimmed last paragraph. Its canonical URL and content hash differ, but most of its five-word
# runs ("shingles") do not. MinHash estimates the Jaccard similarity of two shingle sets from
# fixed-size signatures, and LSH finds the candidates without comparing every pair.

SHINGLE_WORDS = 5
MIN_SHINGLES = 20  # shorter texts (teasers, captions) share phrases by chance: never linked
NUM_PERM = 128
NEAR_DUPLICATE_THRESHOLD = 0.7
# datasketch 2 "affine32" MinHash: 32-bit values; pinned so stored signatures stay comparable
_SCHEME = "affine32"
_SIGNATURE_DTYPE = "<u4"


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of ``size``-word runs of ``text``, case and punctuation folded.

    >>> sorted(shingles("One, two three four five six!", size=5))
    [b'one two three four five', b'two three four five six']
    """
    words = re.findall(r"\w+", text.casefold())
    if len(words) < size:
        return set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def minhash_signature(text: str, *, num_perm: int = NUM_PERM) -> bytes | None:
    """A MinHash signature of ``text`` as bytes, or ``None`` when the text is too short to judge."""
    from datasketch import MinHash

    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=num_perm, scheme=_SCHEME, permutations=_permutations(num_perm))
    minhash.update_batch(list(found))
    return bytes(minhash.hashvalues.astype(_SIGNATURE_DTYPE).tobytes())


@functools.cache
def _permutations(num_perm: int) -> Any:
    """The (seeded, so always identical) permutation parameters: drawing them is the slow part
    of making a MinHash, and every signature must use the same ones anyway."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, scheme=_SCHEME).permutations


def signature_similarity(a: bytes, b: bytes) -> float:
    """The estimated Jaccard similarity of the texts behind two signatures (0..1)."""
    import numpy as np

    left = np.frombuffer(a, dtype=_SIGNATURE_DTYPE)
    right = np.frombuffer(b, dtype=_SIGNATURE_DTYPE)
    if left.shape != right.shape:
        raise ValueError("signatures of different sizes cannot be compared")
    return float(np.mean(left == right))


class NearDuplicateIndex:
    """Finds the first stored article a new text nearly copies.

    Every added article keeps its *root*: the first article of its family of copies. ``find``
    returns the root of the oldest similar article, so a copy of a copy still points at the
    original.

    >>> index = NearDuplicateIndex()
    >>> text = " ".join(f"word{i}" for i in range(60))
    >>> index.add("a-1", minhash_signature(text))
    >>> index.find(minhash_signature(text + " extra words at the end"))
    'a-1'
    """

    def __init__(
        self, *, threshold: float = NEAR_DUPLICATE_THRESHOLD, num_perm: int = NUM_PERM
    ) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, bytes] = {}
        self._roots: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._counter = 0

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._signatures

    def _minhash(self, signature: bytes):  # noqa: ANN202 - datasketch has no type stubs
        import numpy as np
        from datasketch import MinHash

        values = np.frombuffer(signature, dtype=_SIGNATURE_DTYPE)
        return MinHash(
            num_perm=self.num_perm,
            hashvalues=values,
            permutations=_permutations(self.num_perm),
            scheme=_SCHEME,
        )

    def add(self, article_id: str, signature: bytes | None, *, root: str | None = None) -> None:
        """Index ``article_id``; ``root`` is the original it copies (``None``: it is one)."""
        if signature is None:
            return
        if article_id in self._signatures:
            self.remove(article_id)
        self._lsh.insert(article_id, self._minhash(signature))
        self._signatures[article_id] = signature
        self._roots[article_id] = self._roots.get(root, root) if root else article_id
        self._counter += 1
        self._order[article_id] = self._counter

    def remove(self, article_id: str) -> None:
        if article_id not in self._signatures:
            return
        self._lsh.remove(article_id)
        del self._signatures[article_id]
        self._order.pop(article_id, None)
        # copies keep pointing at a removed root: it is still stored, only no longer indexed
        self._roots.pop(article_id, None)

    def root_of(self, article_id: str) -> str | None:
        return self._roots.get(article_id)

    def find(self, signature: bytes | None, *, exclude: str | None = None) -> str | None:
        """The root of the oldest indexed article at least ``threshold`` similar, or ``None``."""
        if signature is None or not self._signatures:
            return None
        candidates = [
            key
            for key in self._lsh.query(self._minhash(signature))
            if key != exclude
            and signature_similarity(signature, self._signatures[key]) >= self.threshold
        ]
        if not candidates:
            return None
        oldest = min(candidates, key=lambda key: self._order[key])
        root = self._roots.get(oldest, oldest)
        return None if root == exclude else root


def link_near_duplicates(
    articles: Sequence[Article], index: NearDuplicateIndex
) -> tuple[list[Article], dict[str, bytes]]:
    """Mark each article that nearly copies an indexed (or earlier offered) one as its copy.

    Returns the articles, copies with ``duplicate_of`` set to the original's id, and their
    signatures, to be stored with them so later imports and polls find them. The index is
    updated as it goes, so copies within one batch find each other.
    """
    linked: list[Article] = []
    signatures: dict[str, bytes] = {}
    for article in articles:
        signature = minhash_signature(article.text)
        if signature is None:
            linked.append(article)
            continue
        root = article.duplicate_of or index.find(signature, exclude=article.id)
        if root is not None and root != article.id:
            article = article.with_changes(duplicate_of=root)
        index.add(article.id, signature, root=article.duplicate_of)
        signatures[article.id] = signature
        linked.append(article)
    return linked, signatures
