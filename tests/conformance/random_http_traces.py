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


def make_trace(rng, n):
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
    trace = {
        "name": "http_random_%02d" % n,
        "description": "Randomized HTTP trace (random_http_traces.py)",
        "backends": ["locmem", "dummy"],
        "settings": settings,
        "django_settings": django,
        "ops": ops,
    }
    if extra:
        trace["extra_caches"] = extra
    return trace


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(HERE, "traces"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for n in range(a.count):
        trace = make_trace(rng, n)
        with open(os.path.join(a.out, trace["name"] + ".json"), "w") as fh:
            json.dump(trace, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    print("wrote %d traces" % a.count)


if __name__ == "__main__":
    main()
