"""Purge a page the edgecache Worker cached in front of this Django site.

The Worker stores pages under Django's own page-cache keys (``get_cache_key`` /
``learn_cache_key``), on a cache this site shares (``CACHE_MIDDLEWARE_ALIAS``). So purging is
Django's usual invalidation: delete the keys Django computes for the URL. ``purge_page``
deletes the URL's header-list key (after which no variant of the page is found until a request
stores the page again) and the page keys of the GET and HEAD variants it is told about.

Keys are computed the way the Worker computes them: for the URL's host and scheme, with
``settings.LANGUAGE_CODE`` and ``settings.TIME_ZONE`` (the Worker does not run
``LocaleMiddleware`` or per-request time zones), whatever language or zone is active in the
caller. Needs nothing but Django.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory
from django.utils import timezone
from django.utils.cache import _generate_cache_header_key, get_cache_key

__all__ = ["page_keys", "purge_page"]


def _request(url, method="GET", headers=None):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"purge needs an absolute http(s) URL, not {url!r}")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in (headers or {}).items()}
    meta["HTTP_HOST"] = parts.netloc
    request = RequestFactory().generic(method, target, secure=parts.scheme == "https", **meta)
    # The Worker keys pages with LANGUAGE_CODE, not the caller's active language.
    request.LANGUAGE_CODE = settings.LANGUAGE_CODE
    return request


def _settings(key_prefix, cache_alias):
    prefix = settings.CACHE_MIDDLEWARE_KEY_PREFIX if key_prefix is None else key_prefix
    alias = settings.CACHE_MIDDLEWARE_ALIAS if cache_alias is None else cache_alias
    return prefix, caches[alias]


def page_keys(url, *, headers=None, method="GET", key_prefix=None, cache_alias=None):
    """The ``(header_list_key, page_key)`` of ``url`` as the Worker and Django's cache
    middleware use them; ``page_key`` is ``None`` while no header list is stored (the page is
    not cached). ``headers`` are the request headers of one ``Vary`` variant."""
    prefix, cache = _settings(key_prefix, cache_alias)
    with timezone.override(None):
        request = _request(url, method, headers)
        header_key = cache.make_key(_generate_cache_header_key(prefix, request))
        page_key = get_cache_key(request, prefix, method, cache)
    return header_key, page_key and cache.make_key(page_key)


def purge_page(url, *, variants=None, key_prefix=None, cache_alias=None):
    """Makes the edge (and Django's own cache middleware) miss ``url`` next time.

    Deletes the GET and HEAD page entries of each variant in ``variants`` (dicts of request
    headers, e.g. ``[{"Accept-Encoding": "gzip"}]``; default: the variant without headers),
    then the URL's header-list key, so every variant misses until the page is stored again.
    ``key_prefix`` / ``cache_alias`` default to ``CACHE_MIDDLEWARE_KEY_PREFIX`` /
    ``CACHE_MIDDLEWARE_ALIAS`` (give the Worker's if they differ). Returns the keys deleted
    (the cache's ``make_key`` form: ``prefix:version:key``)."""
    prefix, cache = _settings(key_prefix, cache_alias)
    keys = []
    with timezone.override(None):
        for headers in variants or [{}]:
            for method in ("GET", "HEAD"):
                key = get_cache_key(_request(url, method, headers), prefix, method, cache)
                if key and key not in keys:
                    keys.append(key)
        keys.append(_generate_cache_header_key(prefix, _request(url)))
    cache.delete_many(keys)
    return [cache.make_key(key) for key in keys]
