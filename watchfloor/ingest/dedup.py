"""Deduplication keys: canonical URLs and content hashes (near-duplicates live here too)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from watchfloor.records import content_hash

__all__ = ["TRACKING_PARAMETERS", "canonical_url", "content_hash"]

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
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else (
        f"{host}:{port}"
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
