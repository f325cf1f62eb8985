#!/usr/bin/env python3
"""A differential campaign: fresh randomized traces, real Django, edgecache, compared.

Generates COUNT traces with a seed (tests/conformance/random_traces.py or
random_http_traces.py) into a scratch folder, runs the Django oracle on each trace for each
backend, replays the same trace on edgecache (`edgecache replay`, natively or `--via
component`; or `--via npm|worker`, the npm package or the built Worker in Miniflare, through
scripts/diffcamp-replay.mjs, which compares numbers by value as JavaScript must), compares
the two with the oracle's compare.py and prints `backend: N passed, M failed` and the first
differences.

    python3 scripts/diffcamp.py --profile memory --seed 1001 --count 200
    python3 scripts/diffcamp.py --profile wide --seed 3001 --count 100 --backends locmem
    python3 scripts/diffcamp.py --profile server --seed 5001 --count 20 \
        --redis-url redis://127.0.0.1:6391/0 --memcached 127.0.0.1:11291
    python3 scripts/diffcamp.py --profile http --seed 7001 --count 50 --via component
    python3 scripts/diffcamp.py --profile http-wide --stored --seed 5001 --count 60 --via worker

Needs: the oracle (--oracle DIR, default $EDGECACHE_ORACLE or
../shared/oracle beside the repository), a Python
with Django 5.2.19 (--python, default .venv/bin/python), `cargo build --release` (the
edgecache binary; --bin to use another; for --via npm, scripts/build-npm.sh; for --via
worker, worker/build.sh), and for redis/memcached running servers: the
oracle runs FLUSHDB / flush_all on them. Not part of scripts/test.sh (minutes, not seconds).
Exit status 0 only when every trace matches on every backend.
"""

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFORMANCE = os.path.join(ROOT, "tests", "conformance")
SERVER = {"redis", "memcached"}


def run(cmd, env=None, timeout=600):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def generate(a, traces_dir, work):
    """Writes the traces; a trace that changed (a new generator) drops its cached results."""
    os.makedirs(traces_dir, exist_ok=True)
    before = {}
    for f in os.listdir(traces_dir):
        with open(os.path.join(traces_dir, f), encoding="utf-8") as fh:
            before[f] = fh.read()
    if a.profile.startswith("http"):
        cmd = [a.python, os.path.join(CONFORMANCE, "random_http_traces.py"),
               "--profile", "wide" if a.profile == "http-wide" else "base"]
        if a.stored:
            cmd.append("--stored")
    else:
        cmd = [a.python, os.path.join(CONFORMANCE, "random_traces.py"), "--profile", a.profile]
    cmd += ["--seed", str(a.seed), "--count", str(a.count), "--out", traces_dir]
    code, out, err = run(cmd)
    if code:
        sys.exit("generator failed:\n" + err)
    for f in os.listdir(traces_dir):
        with open(os.path.join(traces_dir, f), encoding="utf-8") as fh:
            changed = f in before and before[f] != fh.read()
        if not changed:
            continue
        for sub in os.listdir(work):
            if sub == "traces":
                continue
            for backend in os.listdir(os.path.join(work, sub)):
                stale = os.path.join(work, sub, backend, f)
                if os.path.exists(stale):
                    os.remove(stale)
    names = sorted(f[:-5] for f in os.listdir(traces_dir) if f.endswith(".json"))
    traces = {}
    for name in names:
        with open(os.path.join(traces_dir, name + ".json"), encoding="utf-8") as fh:
            traces[name] = json.load(fh)
    return traces


def oracle_one(a, env, path, backend, out):
    if os.path.exists(out) and not a.fresh:
        return None
    code, stdout, stderr = run([a.python, os.path.join(a.oracle, "django_oracle.py"), path,
                                "--backend", backend], env=env)
    if code:
        return "oracle failed on %s/%s: %s" % (backend, path, stderr.strip()[-400:])
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(stdout)
    return None


def ours_one(a, path, backend, out):
    cmd = [a.bin, "replay", "--backend", backend]
    if a.via == "component":
        cmd += ["--via", "component"]
    if backend == "redis":
        cmd += ["--redis-url", a.redis_url]
    if backend == "memcached":
        cmd += ["--memcached", a.memcached]
    cmd.append(path)
    code, stdout, stderr = run(cmd)
    if code:
        # An empty results file makes compare.py report the failure with the rest.
        stdout = json.dumps({"results": [], "error": stderr.strip()[-400:]})
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(stdout)
    return None if not code else "edgecache failed on %s/%s: %s" % (
        backend, os.path.basename(path), stderr.strip()[-300:])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="memory",
                    help="random_traces.py's profile (memory, filebased, db, server, wide, "
                         "wide-filebased, wide-db, wide-server), or http / http-wide "
                         "(random_http_traces.py --profile base / wide)")
    ap.add_argument("--stored", action="store_true",
                    help="http profiles: the stored family (filebased and db)")
    ap.add_argument("--seed", type=int, default=1001)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--backends", help="comma list (default: each trace's own backends)")
    ap.add_argument("--work", help="scratch folder (default /tmp/diffcamp/<profile>-<seed>)")
    ap.add_argument("--via", choices=["native", "component", "npm", "worker"], default="native")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "edgecache"))
    ap.add_argument("--python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    ap.add_argument("--oracle", default=os.environ.get("EDGECACHE_ORACLE", os.path.join(ROOT, "..", "shared", "oracle")))
    ap.add_argument("--redis-url", default=os.environ.get("ORACLE_REDIS_URL",
                                                         "redis://127.0.0.1:6390/0"))
    ap.add_argument("--memcached", default=os.environ.get("ORACLE_MEMCACHED", "127.0.0.1:11290"))
    ap.add_argument("--jobs", type=int, default=2, help="parallel runs (not for servers)")
    ap.add_argument("--fresh", action="store_true", help="rerun the oracle even if cached")
    ap.add_argument("--max-show", type=int, default=3)
    ap.add_argument("--oracle-only", action="store_true",
                    help="only generate and run the oracle (fills the cache for a later run)")
    a = ap.parse_args()

    javascript = a.via in ("npm", "worker")
    if not javascript and not a.oracle_only and not os.path.exists(a.bin):
        sys.exit("%s is missing: run `cargo build --release` first (or pass --bin)" % a.bin)
    work = a.work or os.path.join("/tmp/diffcamp", "%s%s-%d" % (
        a.profile, "-stored" if a.stored else "", a.seed))
    traces_dir = os.path.join(work, "traces")
    traces = generate(a, traces_dir, work)
    wanted = set(a.backends.split(",")) if a.backends else None
    env = dict(os.environ, ORACLE_REDIS_URL=a.redis_url, ORACLE_MEMCACHED=a.memcached,
               PYTHONHASHSEED="0")
    jobs = {}
    for name, trace in traces.items():
        for backend in trace.get("backends", ["locmem"]):
            if wanted is None or backend in wanted:
                jobs.setdefault(backend, []).append(name)
    ok = True
    for backend, names in sorted(jobs.items()):
        exp_dir = os.path.join(work, "expected", backend)
        act_dir = os.path.join(work, "actual-" + a.via, backend)
        os.makedirs(exp_dir, exist_ok=True)
        os.makedirs(act_dir, exist_ok=True)
        # Server backends share one redis/memcached that the oracle and edgecache flush.
        workers = 1 if backend in SERVER else max(1, a.jobs)
        errors = []
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            tasks = [pool.submit(oracle_one, a, env, os.path.join(traces_dir, n + ".json"),
                                 backend, os.path.join(exp_dir, n + ".json")) for n in names]
            errors += [t.result() for t in tasks]
            if a.oracle_only or javascript:
                for e in filter(None, errors):
                    print(e)
                print("%s: oracle done (%d traces, %d ops)" % (
                    backend, len(names), sum(len(traces[n]["ops"]) for n in names)))
                continue
            tasks = [pool.submit(ours_one, a, os.path.join(traces_dir, n + ".json"), backend,
                                 os.path.join(act_dir, n + ".json")) for n in names]
            errors += [t.result() for t in tasks]
        for e in filter(None, errors):
            print(e)
        ops = sum(len(traces[n]["ops"]) for n in names)
        code, out, _ = run([a.python, os.path.join(a.oracle, "compare.py"),
                            "--dir-expected", exp_dir, "--dir-actual", act_dir,
                            "--traces-dir", traces_dir, "--max-show", str(a.max_show)])
        lines = out.rstrip("\n").split("\n")
        shown = [l for l in lines[:-1]][:40]
        if code:
            ok = False
            print("\n".join(shown))
        print("%s: %s (%d traces, %d ops, seed %d, profile %s, via %s)" % (
            backend, lines[-1], len(names), ops, a.seed, a.profile, a.via))
    if javascript and not a.oracle_only:
        # One process for every trace (a Worker starts once); it prints per-backend lines.
        code, out, err = run(["node", os.path.join(ROOT, "scripts", "diffcamp-replay.mjs"),
                              a.via, traces_dir, os.path.join(work, "expected"),
                              os.path.join(work, "actual-" + a.via)], timeout=3600)
        print(out.rstrip("\n") or err.strip()[-400:])
        ok = ok and code == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
