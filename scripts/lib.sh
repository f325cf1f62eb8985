# Shared helpers for the scripts in this folder (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n== %s\n' "$*" >&2; }

# Installs a rustup target once.
ensure_rust_target() {
    if ! rustup target list --installed 2>/dev/null | grep -qx "$1"; then
        step "rustup target add $1"
        rustup target add "$1"
    fi
}

# A Python venv in .venv with Django 5.2.19 and the clients of its Redis and Memcached
# backends and django-redis (for the benchmark's Django peer, the oracle and the live-Django interop tests).
ensure_python_venv() {
    if ! .venv/bin/python -c 'import django, redis, pymemcache, django_redis, sys; sys.exit(django.get_version() != "5.2.19" or django_redis.__version__ != "7.0.0")' 2>/dev/null; then
        step "python venv with django==5.2.19, redis==8.1.0, pymemcache==4.0.0, django-redis==7.0.0"
        python3 -m venv .venv
        .venv/bin/pip install --quiet --disable-pip-version-check "django==5.2.19" "redis==8.1.0" "pymemcache==4.0.0" "django-redis==7.0.0"
    fi
}

# redis-server and memcached (Debian packages); the tests start their own on free loopback
# ports and stop them by PID.
ensure_servers() {
    if ! command -v redis-server >/dev/null || ! command -v memcached >/dev/null; then
        step "apt-get install redis-server memcached"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server memcached
    fi
}

# wasm-bindgen-cli at exactly version $1 (it must equal the wasm-bindgen crate). Not
# `--locked`: that fails to resolve webpki-roots.
ensure_wasm_bindgen() {
    if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $1" ]; then
        step "cargo install wasm-bindgen-cli --version $1 (a few minutes, once)"
        cargo install wasm-bindgen-cli --version "$1"
    fi
}

# node_modules from package-lock.json (binaryen's wasm-opt, the test tools), when the lock
# file is newer than the last install.
ensure_node_modules() {
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        step "npm ci"
        npm ci --no-audit --no-fund
    fi
}

# Debian's chromium for the npm package's browser smoke test (skipped, by name, without it).
ensure_chromium() {
    if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        step "apt-get install chromium"
        apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
    fi
}

# Installs a folder's pinned npm packages (package-lock.json) once, and again when the lock
# changes.
ensure_npm_packages() {
    if [ ! -f "$1/node_modules/.package-lock.json" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
        step "npm install in $1"
        # `npm ci` refuses this lock (npm leaves other platforms' optional packages out of it);
        # `--no-save` installs the locked versions without rewriting the lock.
        (cd "$1" && npm install --no-save --no-audit --no-fund --loglevel=error)
    fi
}
