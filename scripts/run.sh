#!/usr/bin/env bash
# The main job, for now: build the `edgecache` command and walk through Django's cache rules on
# a pasted CACHES setting (examples/caches.py). Pass your own: scripts/run.sh --settings FILE.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

step "cargo build --release (the edgecache command, without the component host)"
cargo build --release --quiet -p edgecache-bridge --no-default-features
if [ "$#" -eq 0 ]; then
    set -- --script examples/demo.txt
fi
exec target/release/edgecache run "$@"
