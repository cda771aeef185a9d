"""Requests to a sandbox's plain http:// URLs, as httpx.get and its siblings make them but without
the TLS context each of those builds (loading the CA bundle: ~30 ms of CPU a call) and no plain
HTTP request uses. An https:// URL is refused: its certificate must be checked."""

from __future__ import annotations

from typing import Any

import httpx


def request(method: str, url: str, **kwargs: Any) -> httpx.Response:
    if not url.startswith("http://"):
        raise ValueError(f"plain http:// only, not {url!r}: use httpx with the CA to trust")
    return httpx.request(method, url, verify=False, **kwargs)


def get(url: str, **kwargs: Any) -> httpx.Response:
    return request("GET", url, **kwargs)


def post(url: str, **kwargs: Any) -> httpx.Response:
    return request("POST", url, **kwargs)


def put(url: str, **kwargs: Any) -> httpx.Response:
    return request("PUT", url, **kwargs)


def patch(url: str, **kwargs: Any) -> httpx.Response:
    return request("PATCH", url, **kwargs)


def delete(url: str, **kwargs: Any) -> httpx.Response:
    return request("DELETE", url, **kwargs)
