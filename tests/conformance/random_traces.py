#!/usr/bin/env python3
"""Writes randomized conformance traces (seeded, reproducible) into traces/.

Mixes of the API's operations over a small key pool (str and int keys), timeouts (default,
None, 0, negative, ints, binary fractions), versions, key prefixes, culling settings and every
value type, so the suite checks Django's rules rather than a handful of hand-written cases.
Expected results come from the project's Django oracle:

    python3 random_traces.py --count 40 --seed 1
    python3 <oracle>/django_oracle.py --generate --backends locmem,dummy \
        --traces-dir traces --expected-dir expected --traces random_000,...
"""

import argparse
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

STR_KEYS = ["a", "b", "c", "n", "k1", "key with space", "ünï", "x" * 246, "x" * 248]
INT_KEYS = [1, 7, 42]
TIMEOUTS = [None, 0, -1, 1, 2, 5, 10, 0.5, 1.25, 2.5, 300]
VALUES = [
    None, True, False, 0, 1, -5, 7, 2**62, 1.5, 0.25, -0.0, "", "v", "5", "héllo",
    {"$bytes": "raw\u00ff"}, [1, "two", None], {"$tuple": [1, 2]}, {"k": [1, {"n": 2.5}]},
]
ADVANCES = [0.25, 0.5, 1, 1.5, 2, 3, 5, 10]
# redis truncates float timeouts and memcached counts whole seconds: whole timeouts only,
# including one past memcached's 30-day limit (an absolute timestamp, TMO-6).
SERVER_TIMEOUTS = [None, 0, -1, 3, 4, 300, 2592001]


# The widened profiles (`--profile wide`, `wide-filebased`, `wide-db`, `wide-server`) stay in
# the same families but push the corners: longer traces, more aliases, key lengths around
# the 250-character limit, control characters, int keys 0 / negative / beyond 2**63, version
# and timeout extremes, big ints for incr/decr overflow, odd floats, nested values, bytes,
# duplicate keys in get_many, and settings Django accepts or silently replaces.
WIDE_STR_KEYS = STR_KEYS + [
    "", "x" * 243, "x" * 244, "x" * 245, "y" * 247, "z" * 250, "tab\there", "nl\nx", "del\x7f",
    "c\x1fd", "ü" * 200, "1", "-3", "0",
]
WIDE_INT_KEYS = INT_KEYS + [0, -1, -42, 2**63, -(2**63) - 1, 10**20]
# Other objects as keys: Python's str() of each is the key (KEY-1).
WIDE_OTHER_KEYS = [1e16, 0.1, -0.0, 1.5, True, None, {"$tuple": [1, "a"]}, {"$tuple": ["solo"]},
                   {"$tuple": []}, [1, "a"], {"k": 1}]
WIDE_TIMEOUTS = TIMEOUTS + [-5, 0.1, 1e-9, 1.0, 3.0, 0.75, 86400, 2592001, 10**10, True, False,
                            1e300, {"$float": "inf"}]
WIDE_SERVER_TIMEOUTS = SERVER_TIMEOUTS + [-5, 86400, 10**9, False]
WIDE_VALUES = VALUES + [
    2**63 - 1, 2**63, -(2**63), 2**64 + 5, -(2**70), 10**30, 1e16, 0.1, -1.5, 1e308, 3.0,
    "-7", "12345678901234567890", " 3", {"$bytes": ""}, {"$bytes": "\u0000\u0080bin"},
    [[[]], {"a": {"b": [None, True, 2**65]}}], {"$tuple": []}, {"": {"$tuple": [1.5, "x"]}},
    "ü" * 300, "x" * 5000, {"$float": "inf"}, {"$float": "-inf"}, {"$float": "nan"},
]
WIDE_VERSIONS = [1, 2, 3, 0, -1, -7, 2**31, 2**63, 10**20, None]
WIDE_DELTAS = [1, 2, -3, 10, 2**62, 2**63, -(2**63), 2**64, 0, -1, 10**25, 0.5, True, 1e16]


def pick_key(rng, wide=False):
    if wide:
        roll = rng.random()
        if roll < 0.05:
            return rng.choice(WIDE_OTHER_KEYS)
        return rng.choice(WIDE_INT_KEYS) if roll < 0.25 else rng.choice(WIDE_STR_KEYS)
    return rng.choice(INT_KEYS) if rng.random() < 0.2 else rng.choice(STR_KEYS)


def maybe(rng, kwargs, name, choices, p=0.3):
    if rng.random() < p:
        kwargs[name] = rng.choice(choices)


def make_op(rng, aliases, profile="memory", wide=False):
    def key():
        return pick_key(rng, wide)

    roll = rng.random()
    op = {}
    kwargs = {}
    if roll < (0.12 if wide else 0.08):
        if profile == "server":
            # Servers expire keys by their own clocks (memcached's ticks once a second), so a
            # timed key is only read well before or well after its expiry: short steps that
            # add up to under a second, or a long one that outlasts every timed key.
            return {"op": "advance", "seconds": rng.choice([0.25, 0.25, 6])}
        return {"op": "advance", "seconds": rng.choice(ADVANCES)}
    if roll < (0.15 if wide else 0.11):
        return {"op": "dump", **({"detail": "count"} if rng.random() < 0.3 else {}),
                **({"cache": rng.choice(aliases)} if rng.random() < 0.2 else {})}
    name = rng.choice([
        "set", "set", "set", "get", "get", "get", "add", "delete", "has_key", "contains",
        "incr", "decr", "touch", "get_many", "set_many", "delete_many", "get_or_set",
        "incr_version", "decr_version", "make_key", "get_backend_timeout", "clear",
        "aget", "aset", "aadd", "aincr", "ahas_key", "aget_many", "aget_or_set", "atouch",
    ])
    if name == "clear" and rng.random() < 0.7:
        name = "set"
    versions = WIDE_VERSIONS if wide else [1, 2, 3]
    if profile == "server":
        timeouts = WIDE_SERVER_TIMEOUTS if wide else SERVER_TIMEOUTS
    else:
        timeouts = WIDE_TIMEOUTS if wide else TIMEOUTS
    values = WIDE_VALUES if wide else VALUES
    if name in ("set", "add", "aset", "aadd"):
        args = [key(), rng.choice(values)]
        maybe(rng, kwargs, "timeout", timeouts, 0.6)
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name in ("get", "aget"):
        args = [key()]
        if rng.random() < 0.2:
            args.append(rng.choice(values))
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name in ("delete", "has_key", "ahas_key", "make_key"):
        args = [key()]
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name == "contains":
        args = [key()]
    elif name in ("incr", "decr", "aincr"):
        args = [key()]
        if rng.random() < 0.5:
            args.append(rng.choice(WIDE_DELTAS if wide else [1, 2, -3, 10, 2**62]))
        maybe(rng, kwargs, "version", versions, 0.1)
    elif name in ("touch", "atouch"):
        args = [key()]
        maybe(rng, kwargs, "timeout", timeouts, 0.7)
    elif name in ("get_many", "delete_many", "aget_many"):
        args = [[key() for _ in range(rng.randint(0, 4))]]
        if wide and args[0] and rng.random() < 0.3:
            # Duplicates, and an int key next to its str twin (the same cache key).
            twin = args[0][0]
            args[0].append(str(twin) if isinstance(twin, int) else twin)
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name == "set_many":
        args = [{str(key()): rng.choice(values) for _ in range(rng.randint(0, 4))}]
        maybe(rng, kwargs, "timeout", timeouts, 0.5)
    elif name in ("get_or_set", "aget_or_set"):
        default = rng.choice(values)
        args = [key(), {"$callable": default} if rng.random() < 0.5 else default]
        maybe(rng, kwargs, "timeout", timeouts, 0.4)
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name in ("incr_version", "decr_version"):
        args = [key()]
        if rng.random() < 0.3:
            args.append(rng.choice([1, 2, 0, -1, 5] if wide else [1, 2]))
        maybe(rng, kwargs, "version", versions, 0.2)
    elif name == "get_backend_timeout":
        args = [rng.choice(timeouts)] if rng.random() < 0.8 else []
    else:
        args = []
    op["op"] = name
    if args:
        op["args"] = args
    if kwargs:
        op["kwargs"] = kwargs
    if len(aliases) > 1 and rng.random() < 0.25:
        op["cache"] = rng.choice(aliases)
    return op


def make_trace(rng, number, profile):
    settings = {}
    if rng.random() < 0.6:
        choices = [None, 0, 4, 60, "3", "oops", 3.9] if profile == "server" else [None, 0, 1, 2, 5, 60, "7", "oops", 2.9]
        settings["TIMEOUT"] = rng.choice(choices)
    if rng.random() < 0.4:
        settings["KEY_PREFIX"] = rng.choice(["", "p", "site"])
    if rng.random() < 0.3:
        settings["VERSION"] = rng.choice([1, 2, 5])
    # filebased culls files at random (FB-4): its traces never fill the store.
    if profile not in ("filebased", "server") and rng.random() < 0.7:
        settings["OPTIONS"] = {"MAX_ENTRIES": rng.choice([1, 2, 3, 5, 8]),
                               "CULL_FREQUENCY": rng.choice([0, 1, 2, 3, 4])}
    extra = {}
    if rng.random() < 0.5:
        extra["other"] = rng.choice([{"VERSION": 2}, {"KEY_PREFIX": "o"}, {"TIMEOUT": None},
                                     {"KEY_FUNCTION": "oracle:append_version"},
                                     {"LOCATION": "elsewhere"}])
    aliases = ["default"] + list(extra)
    ops = [make_op(rng, aliases, profile) for _ in range(rng.randint(25, 60))]
    ops.append({"op": "dump"})
    prefix = "random" if profile == "memory" else "random_" + profile
    return trace_document(
        "%s_%03d" % (prefix, number),
        "randomized mix (random_traces.py --profile %s); expected results from Django 5.2.19" % profile,
        PROFILES[profile], settings, extra, ops)


def trace_document(name, description, backends, settings, extra, ops):
    """A trace as the oracle reads it; `extra_caches` only when there are other aliases."""
    trace = {"name": name, "description": description, "backends": backends,
             "settings": settings, "ops": ops}
    if extra:
        trace["extra_caches"] = extra
    return trace


KEY_FUNCTIONS = ["oracle:identity", "oracle:custom", "oracle:append_version",
                 "django.core.cache.backends.base.default_key_func"]


def wide_settings(rng, base, top):
    """One alias's settings for the widened profiles; `top` is the default alias."""
    settings = {}
    if rng.random() < (0.6 if top else 0.3):
        if base == "server":
            # No TIMEOUT True (1 s): servers expire by their own clocks (margins >= 1.2 s).
            choices = [None, 0, -1, 4, 60, "3", "oops", 3.9, "-2", "1.5", 2592001]
        else:
            choices = [None, 0, -1, -0.5, 1, 2, 5, 60, "7", "oops", 2.9, 0.5, "-2", "1.5", True]
        settings["TIMEOUT"] = rng.choice(choices)
    if rng.random() < 0.4:
        settings["KEY_PREFIX"] = rng.choice(["", "p", "site", "a:b", "ü", "x" * 40])
    if rng.random() < 0.35:
        settings["VERSION"] = rng.choice([1, 2, 5, 0, -1, 2**40, 2**63])
    if rng.random() < 0.2:
        settings["KEY_FUNCTION"] = rng.choice(KEY_FUNCTIONS)
    if base not in ("filebased", "server") and rng.random() < (0.7 if top else 0.3):
        settings["OPTIONS"] = {
            "MAX_ENTRIES": rng.choice([0, 1, 1, 2, 2, 3, 5, 8, "4", "many", -1, 2.7]),
            "CULL_FREQUENCY": rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 1000, "2", None, -2, 2.5]),
        }
    return settings


def make_wide_trace(rng, number, base):
    settings = wide_settings(rng, base, True)
    extra = {}
    for n in range(rng.choice([0, 1, 1, 2, 3])):
        alias = wide_settings(rng, base, False)
        if rng.random() < 0.3:
            alias["LOCATION"] = rng.choice(["elsewhere", "elsewhere", "third"])
        extra["alias%d" % n] = alias
    aliases = ["default"] + list(extra)
    ops = [make_op(rng, aliases, base, wide=True) for _ in range(rng.randint(40, 120))]
    ops.append({"op": "dump"})
    for alias in extra:
        if rng.random() < 0.5:
            ops.append({"op": "dump", "cache": alias})
    prefix = "random_wide" if base == "memory" else "random_wide_" + base
    return trace_document(
        "%s_%03d" % (prefix, number),
        "widened randomized mix (random_traces.py --profile %s); expected results from Django "
        "5.2.19" % ("wide" if base == "memory" else "wide-" + base),
        PROFILES[base], settings, extra, ops)


PROFILES = {"memory": ["locmem", "dummy"], "filebased": ["filebased"], "db": ["db"],
            "server": ["redis", "memcached"]}
WIDE_PROFILES = {"wide": "memory", "wide-filebased": "filebased", "wide-db": "db",
                 "wide-server": "server"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(HERE, "traces"))
    ap.add_argument("--profile", choices=sorted(PROFILES) + sorted(WIDE_PROFILES),
                    default="memory",
                    help="memory: locmem+dummy; filebased: no culling (it is random); db; "
                         "server: redis+memcached; wide*: the same families, widened")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for n in range(a.count):
        if a.profile in WIDE_PROFILES:
            trace = make_wide_trace(rng, n, WIDE_PROFILES[a.profile])
        else:
            trace = make_trace(rng, n, a.profile)
        with open(os.path.join(a.out, trace["name"] + ".json"), "w") as fh:
            json.dump(trace, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    print("wrote %d traces" % a.count)


if __name__ == "__main__":
    main()
