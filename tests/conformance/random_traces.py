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


def pick_key(rng):
    return rng.choice(INT_KEYS) if rng.random() < 0.2 else rng.choice(STR_KEYS)


def maybe(rng, kwargs, name, choices, p=0.3):
    if rng.random() < p:
        kwargs[name] = rng.choice(choices)


def make_op(rng, aliases, profile="memory"):
    roll = rng.random()
    op = {}
    kwargs = {}
    if roll < 0.08:
        if profile == "server":
            # Servers expire keys by their own clocks (memcached's ticks once a second), so a
            # timed key is only read well before or well after its expiry: short steps that
            # add up to under a second, or a long one that outlasts every timed key.
            return {"op": "advance", "seconds": rng.choice([0.25, 0.25, 6])}
        return {"op": "advance", "seconds": rng.choice(ADVANCES)}
    if roll < 0.11:
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
    versions = [1, 2, 3]
    timeouts = SERVER_TIMEOUTS if profile == "server" else TIMEOUTS
    if name in ("set", "add", "aset", "aadd"):
        args = [pick_key(rng), rng.choice(VALUES)]
        maybe(rng, kwargs, "timeout", timeouts, 0.6)
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name in ("get", "aget"):
        args = [pick_key(rng)]
        if rng.random() < 0.2:
            args.append(rng.choice(VALUES))
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name in ("delete", "has_key", "ahas_key", "make_key"):
        args = [pick_key(rng)]
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name == "contains":
        args = [pick_key(rng)]
    elif name in ("incr", "decr", "aincr"):
        args = [pick_key(rng)]
        if rng.random() < 0.5:
            args.append(rng.choice([1, 2, -3, 10, 2**62]))
        maybe(rng, kwargs, "version", versions, 0.1)
    elif name in ("touch", "atouch"):
        args = [pick_key(rng)]
        maybe(rng, kwargs, "timeout", timeouts, 0.7)
    elif name in ("get_many", "delete_many", "aget_many"):
        args = [[pick_key(rng) for _ in range(rng.randint(0, 4))]]
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name == "set_many":
        args = [{str(pick_key(rng)): rng.choice(VALUES) for _ in range(rng.randint(0, 4))}]
        maybe(rng, kwargs, "timeout", timeouts, 0.5)
    elif name in ("get_or_set", "aget_or_set"):
        default = rng.choice(VALUES)
        args = [pick_key(rng), {"$callable": default} if rng.random() < 0.5 else default]
        maybe(rng, kwargs, "timeout", timeouts, 0.4)
        maybe(rng, kwargs, "version", versions, 0.15)
    elif name in ("incr_version", "decr_version"):
        args = [pick_key(rng)]
        if rng.random() < 0.3:
            args.append(rng.choice([1, 2]))
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
    trace = {
        "name": "%s_%03d" % (prefix, number),
        "description": "randomized mix (random_traces.py --profile %s); expected results from Django 5.2.19" % profile,
        "backends": PROFILES[profile],
        "settings": settings,
        "ops": ops,
    }
    if extra:
        trace["extra_caches"] = extra
    return trace


PROFILES = {"memory": ["locmem", "dummy"], "filebased": ["filebased"], "db": ["db"],
            "server": ["redis", "memcached"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(HERE, "traces"))
    ap.add_argument("--profile", choices=sorted(PROFILES), default="memory",
                    help="memory: locmem+dummy; filebased: no culling (it is random); db")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for n in range(a.count):
        trace = make_trace(rng, n, a.profile)
        with open(os.path.join(a.out, trace["name"] + ".json"), "w") as fh:
            json.dump(trace, fh, indent=1, ensure_ascii=False)
            fh.write("\n")
    print("wrote %d traces" % a.count)


if __name__ == "__main__":
    main()
