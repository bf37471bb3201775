"""Polite, safe HTTP fetching: the one place watchfloor talks to the network.

Policy (from ``Settings``): a clear User-Agent, timeouts, per-host pacing, retries with
exponential backoff that honour ``Retry-After`` (capped), conditional GET, a redirect limit with
every hop checked, a size limit on the *decoded* body, and a list of acceptable content types.

Safety: a URL whose host resolves to any private, loopback, link-local or otherwise non-global
address is refused unless that address is inside ``Settings.allow_networks``. The check runs
before each hop (a clear error naming the hop) and again when the socket connects, on the very
address connected to, so a DNS answer that changes between the check and the connection
(rebinding) cannot slip through.

The clock is injectable (``Clock``) so that tests of backoff and pacing never really sleep.

>>> decode_body("caf\\u00e9".encode("utf-8"), "iso-8859-1")
'café'
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from watchfloor.errors import FetchError, RefusedContentError, RetryLaterError, UnsafeURLError
from watchfloor.settings import Settings

__all__ = [
    "AddressGuard",
    "Clock",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "HTTPStatusError",
    "HostPacer",
    "SystemClock",
    "decode_body",
    "declared_charset",
    "is_transient",
    "media_type_accepted",
    "parse_retry_after",
    "refuse_xml_entities",
]

Resolver = Callable[[str, int], list[str]]

# Media types we read. Anything else (images, PDFs, archives, octet-stream) is refused before the
# body is downloaded. Types ending in "+xml" or "/xml" are accepted as well (feed variants).
ACCEPTED_MEDIA_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "text/plain",
        "application/x-rss+xml",
        "text/x-opml",
    }
)
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, application/xhtml+xml;q=0.8, */*;q=0.1"
)


# --------------------------------------------------------------------------- clock


class Clock(Protocol):
    """Time as the fetcher and the poller see it; tests pass a fake that never really sleeps."""

    def monotonic(self) -> float: ...

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock. With ``stop``, sleeping returns early when the event is set."""

    def __init__(self, stop: threading.Event | None = None) -> None:
        self.stop = stop

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        if self.stop is not None:
            self.stop.wait(seconds)
        else:
            time.sleep(seconds)


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class FetchPolicy:
    """The fetching knobs, taken from ``Settings`` (``from_settings``)."""

    user_agent: str
    timeout_s: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    per_host_interval_s: float = 1.0
    allow_networks: tuple[str, ...] = ()
    # A Retry-After longer than this is not waited out: the fetch fails with RetryLaterError and
    # the poller comes back when the server asked.
    max_retry_wait_s: float = 30.0
    backoff_base_s: float = 1.0
    backoff_max_s: float = 30.0
    # wall-clock limit for one response body, against servers that drip bytes to hold us
    max_body_time_s: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        extra = settings.extra or {}
        return cls(
            user_agent=settings.user_agent,
            timeout_s=settings.timeout_s,
            max_bytes=settings.max_bytes,
            max_redirects=settings.max_redirects,
            retries=settings.retries,
            per_host_interval_s=settings.per_host_interval_s,
            allow_networks=tuple(settings.allow_networks),
            max_retry_wait_s=float(extra.get("max_retry_wait_s", 30.0)),
            backoff_base_s=float(extra.get("backoff_base_s", 1.0)),
            backoff_max_s=float(extra.get("backoff_max_s", 30.0)),
            max_body_time_s=float(extra.get("max_body_time_s", max(60.0, 3 * settings.timeout_s))),
        )


# --------------------------------------------------------------------------- address safety


def _system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"{host}: cannot resolve the host name ({exc.strerror})") from None
    found: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


class AddressGuard:
    """Refuses hosts that resolve to non-global addresses unless an allow-listed network holds them.

    Every address the host resolves to is checked: one private address among public ones is
    enough to refuse (an attacker controls which one a client picks).
    """

    def __init__(
        self, allow_networks: Iterable[str] = (), resolver: Resolver | None = None
    ) -> None:
        try:
            self.allowed = tuple(
                ipaddress.ip_network(n.strip(), strict=False) for n in allow_networks
            )
        except ValueError as exc:
            from watchfloor.errors import ConfigError

            raise ConfigError(f"allow_networks: {exc}") from None
        self.resolver = resolver or _system_resolver

    def is_allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if any(ip in network for network in self.allowed):
            return True
        return ip.is_global and not ip.is_multicast

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, all of them allowed; raises ``UnsafeURLError`` otherwise."""
        bare = host.strip("[]")
        try:
            ipaddress.ip_address(bare.split("%", 1)[0])
            addresses = [bare]
        except ValueError:
            addresses = self.resolver(bare, port)
        if not addresses:
            raise FetchError(f"{host}: the host name has no address")
        refused = [a for a in addresses if not self.is_allowed(a)]
        if refused:
            raise UnsafeURLError(
                f"{host} resolves to {', '.join(refused)}, a private, loopback or link-local "
                "address; add its network to allow_networks (WATCHFLOOR_ALLOW_NETWORKS) to allow it"
            )
        return addresses

    def check_url(self, url: str) -> None:
        """Refuse anything but http(s) URLs whose host resolves to allowed addresses."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UnsafeURLError(f"{url}: only http and https URLs are fetched")
        if not parts.hostname:
            raise UnsafeURLError(f"{url}: the URL has no host")
        if parts.username or parts.password:
            raise UnsafeURLError(f"{url}: URLs with credentials are not fetched")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise UnsafeURLError(f"{url}: the port is not a number") from None
        self.checked_addresses(parts.hostname, port)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the guard allows, and to exactly the address it checked."""

    def __init__(self, guard: AddressGuard) -> None:
        self.guard = guard
        self.inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.guard.checked_addresses(host, port):
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise UnsafeURLError(f"{path}: unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def _guarded_transport(guard: AddressGuard) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(retries=0, trust_env=False)
    # httpx has no public hook for the network backend; replace its connection pool with one that
    # uses ours. If a future httpx renames the attribute, the per-hop checks still apply.
    if isinstance(getattr(transport, "_pool", None), httpcore.ConnectionPool):
        transport._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=32,
            max_keepalive_connections=16,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=_GuardedBackend(guard),
        )
    return transport


# --------------------------------------------------------------------------- pacing


class HostPacer:
    """At most one request per host every ``interval_s`` seconds, across threads.

    Each caller reserves the next free slot for its host under a lock, then sleeps outside it,
    so two threads aimed at one host are spaced and threads aimed at different hosts never wait
    for each other.
    """

    def __init__(self, interval_s: float, clock: Clock) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Block until ``host`` may be contacted; returns the seconds waited."""
        if self.interval_s <= 0:
            return 0.0
        with self._lock:
            now = self.clock.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.interval_s
        delay = slot - now
        if delay > 0:
            self.clock.sleep(delay)
        return delay


# --------------------------------------------------------------------------- decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard): 0x80-0x9F are curly
# quotes and dashes there, and invisible control characters in strict ISO-8859-1.
_WINDOWS_1252_LABELS = frozenset(
    {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "iso_8859-1"}
)


def declared_charset(data: bytes) -> str | None:
    """The charset the document declares in its XML declaration or HTML ``<meta>``, if any."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", errors="ignore").lower() if match else None


def _try_decode(data: bytes, label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WINDOWS_1252_LABELS:
        label = "cp1252"
    try:
        codecs.lookup(label)
        return data.decode(label)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_body(data: bytes, header_charset: str | None = None) -> str:
    """Decode a response body without mojibake.

    Order: byte-order mark; strict UTF-8 (a non-ASCII byte string that decodes as UTF-8 is
    almost never anything else, and servers often declare a legacy charset they do not use);
    the HTTP header's charset; the document's own declaration; a statistical guess; and
    finally windows-1252 with replacement characters. Each declared charset must decode the
    bytes strictly, otherwise it is wrong and the next clue is tried.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    for label in ("utf-8", header_charset, declared_charset(data)):
        text = _try_decode(data, label)
        if text is not None:
            return text
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except ImportError:  # pragma: no cover - charset_normalizer ships with httpx's dependencies
        pass
    return data.decode("cp1252", errors="replace")


class _BodyDecoder:
    """Undoes Content-Encoding chunk by chunk, never producing more than ``limit`` bytes.

    Decompression is bounded per call (``max_length``), so a gzip bomb costs at most ``limit``
    bytes of memory, whatever its ratio.
    """

    def __init__(self, encoding: str, url: str, limit: int) -> None:
        self.encoding = encoding
        self.url = url
        self.limit = limit
        self.out = bytearray()
        self._raw_deflate = False
        if encoding not in ("gzip", "x-gzip", "deflate", "", "identity"):
            raise RefusedContentError(f"{url}: unsupported Content-Encoding {encoding!r}")
        self._inflater = None if encoding in ("", "identity") else self._make()
        self._started = False

    def _make(self) -> Any:  # zlib's decompress object has no public type
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is zlib-wrapped by the standard, raw by some servers: see feed()
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def _overflow(self) -> RefusedContentError:
        what = "decodes to" if self._inflater is not None else "is"
        bomb = " (a decompression bomb?)" if self._inflater is not None else ""
        return RefusedContentError(
            f"{self.url}: the response {what} more than {self.limit:,} bytes{bomb}; "
            "raise max_bytes to accept it"
        )

    def feed(self, chunk: bytes) -> None:
        if self._inflater is None:
            self.out += chunk
            if len(self.out) > self.limit:
                raise self._overflow()
            return
        data = chunk
        while data:
            room = self.limit + 1 - len(self.out)
            try:
                piece = self._inflater.decompress(data, room)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self._started and not self._raw_deflate:
                    # servers disagree on whether "deflate" has a zlib header; try raw deflate
                    self._raw_deflate = True
                    self._inflater = self._make()
                    continue
                raise FetchError(f"{self.url}: corrupt {self.encoding} body ({exc})") from None
            self._started = True
            self.out += piece
            if len(self.out) > self.limit:
                raise self._overflow()
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            elif self._inflater.eof and self._inflater.unused_data:
                data = self._inflater.unused_data  # a second gzip member
                self._inflater = self._make()
            else:
                data = b""

    def finish(self) -> bytes:
        if self._inflater is not None:
            self.out += self._inflater.flush()
            if len(self.out) > self.limit:
                raise self._overflow()
        return bytes(self.out)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class FetchResult:
    """One successful (or not-modified) response, body already decoded from its transfer coding."""

    url: str
    final_url: str
    status: int
    content: bytes = b""
    media_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    redirects: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The body as text, decoded with :func:`decode_body`."""
        return decode_body(self.content, self.charset)


class HTTPStatusError(FetchError):
    """W301 with the status: the server answered with an error we do not retry."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


# Answers that will not change if we ask again soon: an item that got one is not retried.
_PERMANENT_STATUS = frozenset({400, 401, 403, 404, 405, 406, 410, 414, 415, 451})


def is_transient(exc: BaseException) -> bool:
    """Whether asking again later may succeed (a timeout, a 5xx), not never (a 404, a bomb)."""
    if isinstance(exc, UnsafeURLError | RefusedContentError):
        return False
    if isinstance(exc, HTTPStatusError):
        return exc.status not in _PERMANENT_STATUS
    return isinstance(exc, FetchError)


# A DTD internal subset ("<!DOCTYPE x [ ... ]>") is where entities are declared. Feeds and pages
# never need one (RSS 0.91's DOCTYPE is external), so any document carrying one is refused.
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE\s[^>\[]*\[", re.I)
_PROLOG_END = re.compile(r"<[A-Za-z_]")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.I)


def refuse_xml_entities(text: str, where: str) -> None:
    """Refuse a document that declares entities (billion laughs, external entities).

    Refused: any DOCTYPE with an internal subset, anywhere in the text (so a comment placed
    before it cannot hide it), and any ``<!ENTITY`` before the first element. Nothing is
    parsed first, so no parser ever gets the chance to expand an entity.
    """
    end = _PROLOG_END.search(text)
    prolog = text[: end.start()] if end else text
    if _INTERNAL_SUBSET.search(text) or _ENTITY_DECLARATION.search(prolog):
        raise RefusedContentError(
            f"{where}: the document declares a DTD internal subset (XML entities); refused "
            "unparsed (entity expansion can exhaust memory)"
        )


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return media.strip().lower() or None, charset


def media_type_accepted(media: str | None) -> bool:
    """Whether a response of this media type is read at all (a missing type is given a chance)."""
    if media is None:
        return True
    return (
        media in ACCEPTED_MEDIA_TYPES
        or media.endswith("+xml")
        or media.endswith("/xml")
        or media.startswith("text/")
    )


# --------------------------------------------------------------------------- the fetcher


class Fetcher:
    """Fetches URLs under a ``FetchPolicy``. Thread-safe; one per process is enough.

    >>> fetcher = Fetcher(FetchPolicy(user_agent="test"))   # doctest: +SKIP
    >>> fetcher.fetch("https://example.org/feed.xml").media_type   # doctest: +SKIP
    'application/rss+xml'
    """

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        clock: Clock | None = None,
        resolver: Resolver | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.policy = policy
        self.clock: Clock = clock or SystemClock(stop)
        self.stop = stop
        self.guard = AddressGuard(policy.allow_networks, resolver)
        self.pacer = HostPacer(policy.per_host_interval_s, self.clock)
        self.client = httpx.Client(
            transport=_guarded_transport(self.guard),
            timeout=httpx.Timeout(policy.timeout_s),
            follow_redirects=False,
            trust_env=False,  # an environment proxy would bypass the address checks
            headers={
                "User-Agent": policy.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> Fetcher:
        return cls(FetchPolicy.from_settings(settings), **kwargs)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ----------------------------------------------------------------------------
    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` politely; a 304 answer to a conditional GET gives ``not_modified``.

        Raises ``UnsafeURLError`` (W302) for refused addresses, ``RefusedContentError`` (W305)
        for bodies we will not read, ``RetryLaterError`` (W306) when the server asks us to come
        back later than we are willing to wait, and ``FetchError`` (W301) for everything else.
        """
        attempt = 0
        while True:
            self._check_stopped(url)
            try:
                return self._fetch_once(url, etag, last_modified)
            except _Retryable as exc:
                attempt += 1
                wait = exc.retry_after
                if wait is None:
                    wait = min(
                        self.policy.backoff_max_s, self.policy.backoff_base_s * 2 ** (attempt - 1)
                    )
                too_long = wait > self.policy.max_retry_wait_s
                if attempt > self.policy.retries or too_long:
                    detail = f"{url}: {exc.reason}"
                    if too_long:
                        detail += (
                            f", retry after {wait:.0f} s (more than the "
                            f"{self.policy.max_retry_wait_s:.0f} s we wait in one fetch)"
                        )
                    else:
                        detail += f" (gave up after {attempt} attempt(s))"
                    if exc.status in (429, 503):
                        raise RetryLaterError(detail, retry_after_s=exc.retry_after) from None
                    raise FetchError(detail) from None
                self.clock.sleep(wait)

    # -- internals -------------------------------------------------------------------------
    def _check_stopped(self, url: str) -> None:
        if self.stop is not None and self.stop.is_set():
            raise FetchError(f"{url}: fetch cancelled (shutting down)")

    def _fetch_once(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        current = url
        visited: list[str] = []
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.policy.max_redirects + 1):
            self.guard.check_url(current)
            host = (urlsplit(current).hostname or "").lower()
            self.pacer.wait(host)
            self._check_stopped(url)
            try:
                with self.client.stream("GET", current, headers=headers) as response:
                    status = response.status_code
                    if status in REDIRECT_STATUS and response.headers.get("location"):
                        target = urljoin(current, response.headers["location"].strip())
                        visited.append(current)
                        if target in visited:
                            raise FetchError(
                                f"{url}: redirect loop ({' -> '.join([*visited, target])})"
                            )
                        current = target
                        continue
                    return self._read(url, current, response, tuple(visited))
            except httpx.TimeoutException as exc:
                raise _Retryable(f"timed out ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})") from None
        raise FetchError(f"{url}: more than {self.policy.max_redirects} redirects")

    def _read(
        self, url: str, final_url: str, response: httpx.Response, redirects: tuple[str, ...]
    ) -> FetchResult:
        status = response.status_code
        if status == 304:
            return FetchResult(
                url=url,
                final_url=final_url,
                status=304,
                not_modified=True,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                redirects=redirects,
            )
        if status in RETRYABLE_STATUS:
            raise _Retryable(
                f"HTTP {status}",
                status=status,
                retry_after=parse_retry_after(
                    response.headers.get("retry-after"), self.clock.now()
                ),
            )
        if status >= 400 or status < 200:
            raise HTTPStatusError(
                f"{url}: HTTP {status} {response.reason_phrase}".rstrip(), status=status
            )
        media, charset = _media_type(response.headers.get("content-type"))
        if not media_type_accepted(media):
            raise RefusedContentError(f"{url}: content type {media!r} is not a page or a feed")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.policy.max_bytes:
            raise RefusedContentError(
                f"{url}: the response is {int(declared):,} bytes; the limit is "
                f"{self.policy.max_bytes:,} (max_bytes)"
            )
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        decoder = _BodyDecoder(encoding, url, self.policy.max_bytes)
        started = self.clock.monotonic()
        wire = 0
        for chunk in response.iter_raw(65536):
            wire += len(chunk)
            if wire > self.policy.max_bytes:
                raise RefusedContentError(
                    f"{url}: the response is larger than {self.policy.max_bytes:,} bytes "
                    "(max_bytes)"
                )
            decoder.feed(chunk)
            if self.clock.monotonic() - started > self.policy.max_body_time_s:
                raise FetchError(f"{url}: the body took over {self.policy.max_body_time_s:.0f} s")
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            content=decoder.finish(),
            media_type=media,
            charset=charset,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            redirects=redirects,
            headers={k.lower(): v for k, v in response.headers.items()},
        )
