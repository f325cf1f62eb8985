#!/usr/bin/env python3
"""Writes randomized HTTP conformance traces (seeded, reproducible) into traces/.

Each trace mixes `request` ops (methods, paths, queries, hosts, schemes, request headers
including Cookie / Authorization / Accept-Language and absent-vs-empty Vary'd headers,
languages and time zones) against views (statuses 200/304/404/500, Cache-Control variants,
Vary, cookies, decorators, streaming) behind `cache_page` (timeouts, key_prefix, cache alias),
the site middleware or `CacheMiddleware`, with clock advances, the header utilities,
`learn_cache_key` / `get_cache_key`, fragment keys and dumps. Expected results come from the
project's Django oracle:

    python3 random_http_traces.py --count 24 --seed 5
    python3 random_http_traces.py --count 24 --seed 5 --stored   # http_random_stored_*

`--profile wide` (never used for the checked-in http_random_* files, whose output it leaves
unchanged) pushes the same families into their corners: mixed-case, duplicated (same name in
two spellings), empty and whitespace-only header values; quoted, float, spaced and repeated
Cache-Control directives; several and `*` Vary values; unicode, percent-encoded, `+`,
repeated-parameter and very long paths and queries; odd hosts; None / 0 / negative / float
timeouts for cache_page, CacheMiddleware and the CACHE_MIDDLEWARE_* settings; USE_I18N /
USE_TZ mixes; HEAD right after GET (and GET after HEAD); Set-Cookie with Vary: Cookie, 304s,
streaming; fragment keys whose vary_on holds every JSON-encodable value type. The
differential campaign (scripts/diffcamp.py --profile http-wide) runs it against the oracle.
    python3 <oracle>/django_oracle.py --generate --backends locmem,dummy \
        --traces-dir traces --expected-dir expected --traces http_random_00,...
"""

import argparse
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

METHODS = ["GET"] * 6 + ["HEAD"] * 2 + ["POST", "PUT"]
PATHS = ["/", "/page/", "/page/", "/other/", "/café/", "/a%20b/", "/a/./b/", "/x;y/", "/deep/a/b"]
QUERIES = [None, None, None, "a=1", "b=2&a=1", "a=1&b=2", "q=é", "x=%20y"]
HOSTS = [None, "www.example.com", "www.example.com", "other.example.com:8080", "Example.COM"]
REQ_HEADERS = {
    "Accept-Encoding": ["gzip", "br", ""],
    "Cookie": ["a=b", "a=c", ""],
    "Authorization": ["token a", "token b", ""],
    "Accept-Language": ["es", "en", "de"],
    "X-Custom": ["1", "2", ""],
}
LANGUAGES = ["es", "de", "pt_BR", "fr"]
ZONES = ["Europe/Paris", "UTC", "Asia/Tokyo"]
CACHE_CONTROLS = [
    "max-age=5", "max-age=0", "max-age=100", "public", "private", "no-cache", "NO-STORE",
    "max-age=10, public", "x-private-foo", "no-cache=Set-Cookie", "max-age=3, must-revalidate",
    "s-maxage=7", "Max-Age=2", "max-age=abc",
]
VARIES = [
    "Accept-Encoding", "Cookie", "*", "Accept-Language", "X-Custom, Accept-Encoding",
    "accept-encoding,cookie", "Authorization", "Cookie, *",
]
TIMEOUTS = [1, 3, 5, 8, 8, 30, 0, None, 2.5]
PREFIXES = ["", "site1", "site2", None]
ADVANCES = [1, 2, 3, 4, 6, 10]


def maybe(rng, p=0.3):
    return rng.random() < p


def make_request(rng):
    req = {"path": rng.choice(PATHS)}
    method = rng.choice(METHODS)
    if method != "GET" or maybe(rng, 0.1):
        req["method"] = method
    q = rng.choice(QUERIES)
    if q:
        req["query"] = q
    host = rng.choice(HOSTS)
    if host:
        req["host"] = host
    if maybe(rng, 0.15):
        req["scheme"] = "https"
    headers = {}
    for name, values in REQ_HEADERS.items():
        if maybe(rng, 0.3):
            headers[name] = rng.choice(values)
    if headers:
        req["headers"] = headers
    if maybe(rng, 0.1):
        req["language"] = rng.choice(LANGUAGES)
    if maybe(rng, 0.1):
        req["timezone"] = rng.choice(ZONES)
    if maybe(rng, 0.05):
        req["language_code"] = rng.choice(["de", "es"])
    return req


def make_decorators(rng):
    decos = []
    for _ in range(rng.randint(0, 2)):
        kind = rng.randrange(5)
        if kind == 0:
            kw = {}
            if maybe(rng, 0.6):
                kw["max_age"] = rng.choice([0, 5, 10, 60])
            if maybe(rng, 0.3):
                kw["public"] = True
            if maybe(rng, 0.2):
                kw["private"] = True
            if maybe(rng, 0.2):
                kw["no_cache"] = rng.choice([True, "Set-Cookie", "Link"])
            if maybe(rng, 0.2):
                kw["must_revalidate"] = rng.choice([True, False])
            decos.append({"cache_control": kw})
        elif kind == 1:
            decos.append({"never_cache": True})
        elif kind == 2:
            decos.append({"vary_on_headers": rng.sample(["Accept-Encoding", "X-Custom", "Cookie", "accept-language"], rng.randint(1, 2))})
        elif kind == 3:
            decos.append({"vary_on_cookie": True})
        else:
            decos.append({"cache_control": {"max_age": rng.choice([1, 5, 20])}, "vary_on_cookie": True})
    return decos


def make_view(rng, views):
    if views and maybe(rng, 0.6):
        return rng.choice(views)
    view = {"content": rng.choice(["body", "v", "page", "é"])}
    r = rng.random()
    if r < 0.12:
        view["status"] = rng.choice([304, 404, 500, 201])
    headers = {}
    if maybe(rng, 0.4):
        headers["Cache-Control"] = rng.choice(CACHE_CONTROLS)
    if maybe(rng, 0.35):
        headers["Vary"] = rng.choice(VARIES)
    if maybe(rng, 0.1):
        headers["X-Extra"] = "yes"
    if headers:
        view["headers"] = headers
    if maybe(rng, 0.15):
        view["cookies"] = {rng.choice(["sid", "csrftoken"]): rng.choice(["1", "2"])}
    if maybe(rng, 0.07):
        view["streaming"] = True
    decos = make_decorators(rng) if maybe(rng, 0.3) else []
    if decos:
        view["decorators"] = decos
    views.append(view)
    return view


def make_handler(rng, aliases):
    kind = rng.choice(["cache_page"] * 5 + ["site"] * 2 + ["cache_middleware"])
    hk = {}
    if kind == "cache_page":
        hk["timeout"] = rng.choice(TIMEOUTS)
        if maybe(rng, 0.25):
            hk["key_prefix"] = rng.choice(PREFIXES)
        if len(aliases) > 1 and maybe(rng, 0.2):
            hk["cache"] = rng.choice(aliases)
    elif kind == "cache_middleware":
        if maybe(rng, 0.5):
            hk["cache_timeout"] = rng.choice([5, 20, None])
        if maybe(rng, 0.3):
            hk["page_timeout"] = rng.choice([3, 8, None])
        if maybe(rng, 0.4):
            hk["key_prefix"] = rng.choice(PREFIXES)
        if len(aliases) > 1 and maybe(rng, 0.2):
            hk["cache_alias"] = rng.choice(aliases + [None])
    return kind, hk


def make_header_op(rng):
    kind = rng.randrange(8)
    headers = {}
    if maybe(rng, 0.6):
        headers["Cache-Control"] = rng.choice(CACHE_CONTROLS + ["no-cache=Link, no-cache=ETag", "private, max-age=9"])
    if maybe(rng, 0.4):
        headers["Vary"] = rng.choice(VARIES + ["Cookie , * "])
    if maybe(rng, 0.2):
        headers["Expires"] = "Tue, 14 Nov 2023 22:13:25 GMT"
    if kind == 0:
        kw = {}
        for name, choices in [("max_age", [0, 3, 30, 600]), ("public", [True]), ("private", [True]),
                              ("no_cache", [True, "Set-Cookie", "Link", "ETag", "X-Foo"]),
                              ("no_store", [True]), ("s_maxage", [5]), ("must_revalidate", [True, False]),
                              ("immutable", [True])]:
            if maybe(rng, 0.3):
                kw[name] = rng.choice(choices)
        return {"op": "patch_cache_control", "headers": headers, "kwargs": kw}
    if kind == 1:
        return {"op": "patch_vary_headers", "headers": headers,
                "args": [rng.sample(["Accept-Encoding", "cookie", "*", "Origin", "X-Custom"], rng.randint(1, 2))]}
    if kind == 2:
        return {"op": "has_vary_header", "headers": headers, "args": [rng.choice(["Cookie", "*", "accept-encoding", " cookie "])]}
    if kind == 3:
        return {"op": "get_max_age", "headers": headers}
    if kind == 4:
        op = {"op": "patch_response_headers", "headers": headers}
        if maybe(rng, 0.7):
            op["kwargs"] = {"cache_timeout": rng.choice([None, -3, 0, 7, 30, 2.5])}
        return op
    if kind == 5:
        return {"op": "add_never_cache_headers", "headers": headers}
    if kind == 6:
        return {"op": "make_template_fragment_key",
                "args": [rng.choice(["frag", "a.b", "sidebar"]),
                         rng.sample(["x", 1, None, True, 2.5, "é", "a:b"], rng.randint(0, 3))]}
    return {"op": "patch_cache_control", "headers": {"Cache-Control": rng.choice(["no-cache=A", "no-cache=B, max-age=4"])},
            "kwargs": {"no_cache": rng.choice(["C", "D", "Set-Cookie", "Vary", "X-Y"])}}


# ---------------------------------------------------------------------------------------------
# The wide profile (--profile wide): the same families and ops, pushed into their corners.
# Base-profile output never depends on anything below.
# ---------------------------------------------------------------------------------------------
W_METHODS = ["GET"] * 6 + ["HEAD"] * 3 + ["get", "head", "POST", "PUT", "OPTIONS", "DELETE"]
W_PATHS = PATHS + [
    "/ünïcödé/", "/%E2%82%AC/", "/a+b/", "/a%2Fb/", "/%7Euser/", "/~user/", "/😀/", "/sp ace/",
    "/a%25b/", "/" + "long/" * 70, "/x/!$&'()*,;=:@/", "//double//", "/UPPER/Case/", "/%41%42/",
    "/a%3Fb/", "/a#frag",
]
W_QUERIES = QUERIES + [
    "a=1&a=2", "a=2&a=1", "a+b=c+d", "q=%E2%82%AC", "q=€", "q=😀", "=", "a=&b=", "&&a=1",
    "a=1;b=2", "x=" + "y" * 400, "q=%ff", "%", "a=%2B", "Q=1", "a=1&a=1&a=1", "sp ace=1",
]
W_HOSTS = HOSTS + [
    "EXAMPLE.com:80", "localhost", "127.0.0.1:8000", "[::1]:8000", "example.com.",
    "xn--caf-dma.example", "www.example.com:443", "bad host", "h_st.example",
]
W_REQ_HEADERS = {
    "Accept-Encoding": ["gzip", "br", "", " gzip ", "gzip, br", "GZIP", "   "],
    "Cookie": ["a=b", "a=c", "", "a=b; c=d", "sessionid=é", " "],
    "Authorization": ["token a", "token b", "", " ", "Bearer ü"],
    "Accept-Language": ["es", "en", "de", "fr-CA,fr;q=0.9", ""],
    "X-Custom": ["1", "2", "", "  ", "ü", "a,b"],
    "Origin": ["https://a.example", ""],
}
W_LANGUAGES = LANGUAGES + ["en", "pt-br", "zh-hans", "es-ar", "EN-us"]
W_ZONES = ZONES + ["America/New_York", "Etc/GMT+5", "Asia/Kolkata"]
W_CACHE_CONTROLS = CACHE_CONTROLS + [
    "max-age=5.5", "max-age= 5", "max-age =5", 'max-age="5"', "MAX-AGE=7, PUBLIC",
    "public, max-age=0", 'no-cache="Set-Cookie"', 'private="X-Foo"', "s-maxage=0, max-age=9",
    "max-age=-1", "max-age=10, max-age=2", "", "  ", "public,,max-age=4", " max-age=6 ",
    "max-age=1e2", "No-Cache", "must-revalidate", "max-age=99999999999999999999",
    "immutable, max-age=3", "public, x-no-storey", "max-age=4 , public", "max-age=+3",
    "max-age=0005", "private, public", "stale-while-revalidate=30, max-age=6",
]
W_VARIES = VARIES + [
    "", " ", "Accept-Encoding, Accept-Encoding", "*, Cookie", " * ", "COOKIE",
    "Cookie,Accept-Encoding,Authorization", "X-Custom , accept-encoding", "Accept-Language, Cookie",
    "Origin", "**", "accept-encoding, ACCEPT-ENCODING", ",Cookie,", "X-Absent",
]
W_TIMEOUTS = [1, 3, 5, 8, 30, 0, None, 2.5, -1, -5, 0.5, 1.25, 600]
W_PREFIXES = PREFIXES + ["a:b", "é", "with space", "x" * 40]
W_STATUSES = [200, 200, 304, 304, 404, 500, 201, 204, 301, 302, 403]
W_CONTENTS = ["body", "v", "page", "é", "", "😀", "x" * 300, "a\nb"]
W_EXPIRES = ["Tue, 14 Nov 2023 22:13:25 GMT", "Tue, 14 Nov 2023 22:13:40 GMT", "0", "",
             "Thu, 01 Jan 1970 00:00:00 GMT", "Tuesday, 14-Nov-23 22:13:30 GMT",
             "Tue Nov 14 22:13:35 2023", "tue, 14 nov 2023 22:13:25 gmt"]
W_FRAGMENT_VALUES = ["x", 1, None, True, False, 2.5, "é", "a:b", "", " ", -0.0, 1.0, 1e20,
                     1e-7, 2 ** 70, -3, 0, "😀", [1, "a"], [], {"$tuple": [1, 2]},
                     {"$tuple": ["x"]}, {"$bytes": "ab"}, {"a": 1}, [None, True], 1e16, 0.1]


def spell(rng, name):
    """A header name as given, lower- or upper-cased."""
    r = rng.random()
    if r < 0.15:
        return name.lower()
    if r < 0.22:
        return name.upper()
    return name


def w_request(rng):
    req = {"path": rng.choice(W_PATHS)}
    method = rng.choice(W_METHODS)
    if method != "GET" or maybe(rng, 0.1):
        req["method"] = method
    q = rng.choice(W_QUERIES)
    if q:
        req["query"] = q
    if maybe(rng, 0.1):
        req["meta"] = {"SERVER_NAME": rng.choice(["srv.example", "Srv"]),
                       "SERVER_PORT": rng.choice(["80", "8080", "443"])}
    else:
        host = rng.choice(W_HOSTS)
        if host:
            req["host"] = host
    if maybe(rng, 0.2):
        req["scheme"] = "https"
    headers = {}
    for name, values in W_REQ_HEADERS.items():
        if maybe(rng, 0.3):
            headers[spell(rng, name)] = rng.choice(values)
    if headers and maybe(rng, 0.05):
        name = rng.choice(list(headers))
        headers[name.swapcase()] = rng.choice(["dup", ""])
    if headers:
        req["headers"] = headers
    if maybe(rng, 0.15):
        req["language"] = rng.choice(W_LANGUAGES)
    if maybe(rng, 0.15):
        req["timezone"] = rng.choice(W_ZONES)
    if maybe(rng, 0.07):
        req["language_code"] = rng.choice(["de", "es", "", "pt-BR"])
    return req


def w_cache_control_kwargs(rng):
    kw = {}
    for name, choices in [("max_age", [0, 3, 5, 30, 600, 2.5, -1]), ("public", [True, False]),
                          ("private", [True, "Set-Cookie"]),
                          ("no_cache", [True, "Set-Cookie", "Link", "ETag", "X-Foo", ""]),
                          ("no_store", [True]), ("s_maxage", [5, 0]),
                          ("must_revalidate", [True, False]), ("immutable", [True]),
                          ("stale_while_revalidate", [30])]:
        if maybe(rng, 0.25):
            kw[name] = rng.choice(choices)
    return kw


def w_decorators(rng):
    decos = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(6)
        if kind == 0:
            decos.append({"cache_control": w_cache_control_kwargs(rng)})
        elif kind == 1:
            decos.append({"never_cache": True})
        elif kind == 2:
            decos.append({"vary_on_headers": rng.sample(
                ["Accept-Encoding", "X-Custom", "Cookie", "accept-language", "*", "AUTHORIZATION",
                 "Origin", "cookie"], rng.randint(1, 3))})
        elif kind == 3:
            decos.append({"vary_on_cookie": True})
        elif kind == 4:
            decos.append({"cache_control": {"max_age": rng.choice([0, 1, 5, 20, 2.5])},
                          "vary_on_cookie": True})
        else:
            decos.append({"cache_control": {"private": True}} if maybe(rng, 0.3)
                         else {"cache_control": {"public": True, "max_age": rng.choice([2, 9])}})
    return decos


def w_view(rng, views):
    if views and maybe(rng, 0.5):
        return rng.choice(views)
    view = {"content": rng.choice(W_CONTENTS)}
    if maybe(rng, 0.25):
        view["status"] = rng.choice(W_STATUSES)
    headers = {}
    if maybe(rng, 0.5):
        headers[spell(rng, "Cache-Control")] = rng.choice(W_CACHE_CONTROLS)
    if maybe(rng, 0.4):
        headers[spell(rng, "Vary")] = rng.choice(W_VARIES)
        if maybe(rng, 0.1):
            # the same header in another spelling: the later one replaces it (case-insensitive)
            headers["vary" if "Vary" in headers else "Vary"] = rng.choice(W_VARIES)
    if maybe(rng, 0.15):
        headers[spell(rng, "Expires")] = rng.choice(W_EXPIRES)
    if maybe(rng, 0.1):
        headers["X-Extra"] = rng.choice(["yes", "", " é "])
    if maybe(rng, 0.05):
        headers["ETag"] = '"abc"'
    if headers:
        view["headers"] = headers
    if maybe(rng, 0.25):
        view["cookies"] = {rng.choice(["sid", "csrftoken"]): rng.choice(["1", "2", "", "é"])}
        if maybe(rng, 0.5):
            headers[spell(rng, "Vary")] = rng.choice(["Cookie", "Accept-Encoding", "cookie, X-Custom"])
            view["headers"] = headers
    if maybe(rng, 0.1):
        view["streaming"] = True
    if maybe(rng, 0.03):
        view["stamp"] = False
    if maybe(rng, 0.35):
        view["decorators"] = w_decorators(rng)
    views.append(view)
    return view


def w_handler(rng, aliases):
    kind = rng.choice(["cache_page"] * 4 + ["site"] * 2 + ["cache_middleware"] * 2)
    hk = {}
    if kind == "cache_page":
        if maybe(rng, 0.95):
            hk["timeout"] = rng.choice(W_TIMEOUTS)
        if maybe(rng, 0.3):
            hk["key_prefix"] = rng.choice(W_PREFIXES)
        if maybe(rng, 0.2):
            hk["cache"] = rng.choice(aliases + ["default"])
    elif kind == "cache_middleware":
        if maybe(rng, 0.5):
            hk["cache_timeout"] = rng.choice([5, 20, None, 0, -1, 2.5])
        if maybe(rng, 0.4):
            hk["page_timeout"] = rng.choice([3, 8, None, 0, -2, 1.5])
        if maybe(rng, 0.4):
            hk["key_prefix"] = rng.choice(W_PREFIXES)
        if maybe(rng, 0.25):
            hk["cache_alias"] = rng.choice(aliases + [None])
    return kind, hk


def w_header_op(rng):
    kind = rng.randrange(9)
    headers = {}
    if maybe(rng, 0.65):
        headers[spell(rng, "Cache-Control")] = rng.choice(
            W_CACHE_CONTROLS + ["no-cache=Link, no-cache=ETag", "private, max-age=9",
                                "no-cache, no-cache=Link", 'no-cache="A", no-cache=B'])
    if maybe(rng, 0.45):
        headers[spell(rng, "Vary")] = rng.choice(W_VARIES + ["Cookie , * "])
    if maybe(rng, 0.25):
        headers[spell(rng, "Expires")] = rng.choice(W_EXPIRES)
    if kind in (0, 8):
        return {"op": "patch_cache_control", "headers": headers, "kwargs": w_cache_control_kwargs(rng)}
    if kind == 1:
        return {"op": "patch_vary_headers", "headers": headers,
                "args": [rng.sample(["Accept-Encoding", "cookie", "*", "Origin", "X-Custom", "COOKIE",
                                     "", " ", "accept-encoding", "Accept-Language"], rng.randint(0, 3))]}
    if kind == 2:
        return {"op": "has_vary_header", "headers": headers,
                "args": [rng.choice(["Cookie", "*", "accept-encoding", " cookie ", "", "COOKIE",
                                     "X-Absent", " * "])]}
    if kind == 3:
        return {"op": "get_max_age", "headers": headers}
    if kind == 4:
        op = {"op": "patch_response_headers", "headers": headers}
        if maybe(rng, 0.8):
            op["kwargs"] = {"cache_timeout": rng.choice([None, -3, 0, 7, 30, 2.5, -0.5, 1000, 0.25])}
        return op
    if kind == 5:
        return {"op": "add_never_cache_headers", "headers": headers}
    if kind == 6:
        name = rng.choice(["frag", "a.b", "sidebar", "", "é frag", "x:y", "a" * 60])
        r = rng.random()
        if r < 0.1:
            vary_on = None
        elif r < 0.2:
            vary_on = rng.choice(["abc", "", "é"])  # a string is iterated character by character
        elif r < 0.3:
            vary_on = {"$tuple": rng.sample(W_FRAGMENT_VALUES, rng.randint(1, 3))}
        else:
            vary_on = rng.sample(W_FRAGMENT_VALUES, rng.randint(0, 4))
        op = {"op": "make_template_fragment_key", "args": [name, vary_on]}
        if maybe(rng, 0.1):
            op = {"op": "make_template_fragment_key", "args": [name]}
        return op
    return {"op": "patch_cache_control",
            "headers": {spell(rng, "Cache-Control"): rng.choice(["no-cache=A", "no-cache=B, max-age=4", "no-cache", ""])},
            "kwargs": {"no_cache": rng.choice(["C", "D", "Set-Cookie", "Vary", "X-Y", True])}}


def w_django_settings(rng, django, aliases):
    if maybe(rng, 0.6):
        django["USE_I18N"] = rng.choice([True, False])
    if maybe(rng, 0.6):
        django["USE_TZ"] = rng.choice([True, False])
    if maybe(rng, 0.45):
        django["CACHE_MIDDLEWARE_SECONDS"] = rng.choice([5, 30, 0, -5, 2.5, 1])
    if maybe(rng, 0.35):
        django["CACHE_MIDDLEWARE_KEY_PREFIX"] = rng.choice(["site", "s2", "", "é", "a.b"])
    if maybe(rng, 0.2):
        django["LANGUAGE_CODE"] = rng.choice(["de", "pt-br", "en", "es-ar"])
    if maybe(rng, 0.2):
        django["TIME_ZONE"] = rng.choice(["UTC", "Europe/Berlin", "Asia/Kolkata"])
    if len(aliases) > 1 and maybe(rng, 0.5):
        django["CACHE_MIDDLEWARE_ALIAS"] = rng.choice(aliases)


def w_key_op(rng, requests):
    req = rng.choice(requests) if requests and maybe(rng, 0.6) else w_request(rng)
    kw = {}
    if maybe(rng, 0.35):
        kw["key_prefix"] = rng.choice(["", "site1", "site", None, "é"])
    if rng.random() < 0.5:
        if maybe(rng, 0.35):
            kw["cache_timeout"] = rng.choice([3, 30, None, 0, -1, 2.5])
        resp = {}
        if maybe(rng, 0.6):
            resp["headers"] = {spell(rng, "Vary"): rng.choice(W_VARIES)}
        return {"op": "learn_cache_key", "request": req, "response": resp, "kwargs": kw}
    if maybe(rng, 0.35):
        kw["method"] = rng.choice(["HEAD", "GET", "head", "POST"])
    return {"op": "get_cache_key", "request": req, "kwargs": kw}


def w_ops(rng, aliases):
    ops = []
    views = []
    requests = []
    for _ in range(rng.randint(30, 55)):
        r = rng.random()
        if r < 0.6:
            if requests and maybe(rng, 0.5):
                req = rng.choice(requests)
            else:
                req = w_request(rng)
                requests.append(req)
            kind, hk = w_handler(rng, aliases)
            view = w_view(rng, views)
            ops.append({"op": "request", "request": req, "view": view, "handler": kind,
                        "handler_kwargs": hk})
            if maybe(rng, 0.25):
                # HEAD right after GET (or GET after HEAD) on the same URL, view and handler
                again = dict(req)
                again["method"] = "GET" if req.get("method", "GET").upper() == "HEAD" else "HEAD"
                if maybe(rng, 0.3):
                    ops.append({"op": "advance", "seconds": rng.choice([0.5, 1, 2])})
                ops.append({"op": "request", "request": again, "view": view, "handler": kind,
                            "handler_kwargs": hk})
        elif r < 0.7:
            ops.append({"op": "advance", "seconds": rng.choice(ADVANCES + [0.5, 0.25, 7, 30])})
        elif r < 0.85:
            ops.append(w_header_op(rng))
        elif r < 0.94:
            ops.append(w_key_op(rng, requests))
        else:
            ops.append({"op": "dump"})
    return ops


def make_trace(rng, n, profile="base", stored=False):
    if profile == "wide":
        return w_trace(rng, n, stored)
    django = {}
    if maybe(rng, 0.5):
        django["USE_I18N"] = rng.choice([True, False])
    if maybe(rng, 0.5):
        django["USE_TZ"] = rng.choice([True, False])
    if maybe(rng, 0.3):
        django["CACHE_MIDDLEWARE_SECONDS"] = rng.choice([5, 30, 0])
    if maybe(rng, 0.3):
        django["CACHE_MIDDLEWARE_KEY_PREFIX"] = rng.choice(["site", "s2"])
    if maybe(rng, 0.15):
        django["LANGUAGE_CODE"] = rng.choice(["de", "pt-br"])
    if maybe(rng, 0.15):
        django["TIME_ZONE"] = rng.choice(["UTC", "Europe/Berlin"])
    settings = {}
    if maybe(rng, 0.3):
        settings["KEY_PREFIX"] = rng.choice(["p", "edge"])
    if maybe(rng, 0.2):
        settings["VERSION"] = 2
    extra = {}
    aliases = ["default"]
    if maybe(rng, 0.3):
        extra["other"] = {"KEY_PREFIX": "other"}
        aliases.append("other")
        if maybe(rng, 0.5):
            django["CACHE_MIDDLEWARE_ALIAS"] = "other"
    ops = []
    views = []
    requests = []
    for _ in range(rng.randint(30, 50)):
        r = rng.random()
        if r < 0.6:
            if requests and maybe(rng, 0.5):
                req = rng.choice(requests)
            else:
                req = make_request(rng)
                requests.append(req)
            kind, hk = make_handler(rng, aliases)
            ops.append({"op": "request", "request": req, "view": make_view(rng, views),
                        "handler": kind, "handler_kwargs": hk})
        elif r < 0.7:
            ops.append({"op": "advance", "seconds": rng.choice(ADVANCES)})
        elif r < 0.85:
            ops.append(make_header_op(rng))
        elif r < 0.93:
            req = rng.choice(requests) if requests and maybe(rng, 0.6) else make_request(rng)
            kw = {}
            if maybe(rng, 0.3):
                kw["key_prefix"] = rng.choice(["", "site1", "site"])
            if rng.random() < 0.5:
                if maybe(rng, 0.3):
                    kw["cache_timeout"] = rng.choice([3, 30])
                resp = {}
                if maybe(rng, 0.5):
                    resp["headers"] = {"Vary": rng.choice(VARIES)}
                ops.append({"op": "learn_cache_key", "request": req, "response": resp, "kwargs": kw})
            else:
                if maybe(rng, 0.3):
                    kw["method"] = "HEAD"
                ops.append({"op": "get_cache_key", "request": req, "kwargs": kw})
        else:
            ops.append({"op": "dump"})
    return finish(n, settings, django, extra, ops, "base", stored)


def finish(n, settings, django, extra, ops, profile, stored):
    """The trace document: `http_random[_wide][_stored]_NN`, on locmem/dummy, or on the
    storing backends (filebased, db) for the stored family."""
    name = "http_random_" + ("wide_" if profile == "wide" else "") + ("stored_" if stored else "")
    description = "Randomized HTTP trace (random_http_traces.py%s)" % (
        " --profile wide" if profile == "wide" else "")
    if stored:
        description += " (run on the storing backends)"
    trace = {
        "name": name + "%02d" % n,
        "description": description,
        "backends": ["filebased", "db"] if stored else ["locmem", "dummy"],
        "settings": settings,
        "django_settings": django,
        "ops": ops,
    }
    if extra:
        trace["extra_caches"] = extra
    return trace


def w_trace(rng, n, stored):
    settings = {}
    if maybe(rng, 0.3):
        settings["KEY_PREFIX"] = rng.choice(["p", "edge", "é"])
    if maybe(rng, 0.2):
        settings["VERSION"] = rng.choice([2, 0])
    if maybe(rng, 0.1):
        settings["TIMEOUT"] = rng.choice([1, None, 0])
    extra = {}
    aliases = ["default"]
    if maybe(rng, 0.35):
        extra["other"] = {"KEY_PREFIX": "other"}
        aliases.append("other")
    django = {}
    w_django_settings(rng, django, aliases)
    return finish(n, settings, django, extra, w_ops(rng, aliases), "wide", stored)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(HERE, "traces"))
    ap.add_argument("--profile", choices=["base", "wide"], default="base",
                    help="base: the checked-in http_random_* traces; wide: their corners")
    ap.add_argument("--stored", action="store_true",
                    help="name them http_random[_wide]_stored_NN, for the filebased and db backends")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for n in range(a.count):
        trace = make_trace(rng, n, a.profile, a.stored)
        with open(os.path.join(a.out, trace["name"] + ".json"), "w") as fh:
            json.dump(trace, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    print("wrote %d traces" % a.count)


if __name__ == "__main__":
    main()
