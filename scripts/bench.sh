#!/usr/bin/env bash
# `make bench` (after `make build`): the native timing binaries, a check that
# the plain-JS baseline computes what the Rust core computes, criterion's
# native benches (BENCH_CRITERION=0 skips them), then the alternating browser
# + native run that writes bench/results.json and bench/RESULTS.md.
# BENCH_QUICK=1 runs fewer rounds. Not part of `make test` or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[bench]\033[0m %s\n' "$*"; }
say "native timing binaries (release = the wasm's opt-level z, and bench-o3)"
cargo build --quiet --release --example bench_native
cargo build --quiet --profile bench-o3 --example bench_native
say "import: 20,000 and 200,000 history rows, linear (ratio <= 12; examples/bench_import.rs)"
# A ratio above 12 fails `make bench`, after the other benches have run.
import_linear=1
cargo run --quiet --profile bench-o3 --example bench_import || import_linear=0
say "issue 16: simulated history (78,000 deals, 9 fields, pairs): held-out Brier vs the truth; calibration of 100,000 x 9"
cargo run --quiet --profile bench-o3 --example interactions
say "plain-JS baseline computes what the Rust core computes"
node bench/check.mjs
if [ "${BENCH_CRITERION:-1}" != 0 ]; then
  say "criterion (native, for the record: target/criterion/)"
  cargo bench --quiet --bench core -- ${BENCH_QUICK:+--quick} 2>&1 | grep -E '^[a-z].*time:|^\S+/\S+\s*$|time:' || true
fi
say "browser (headless Chromium) and native, alternating"
node bench/run.mjs
if [ "$import_linear" != 1 ]; then
  say "FAILED: import time grew more than 12x for 10x the rows (see above)"
  exit 1
fi
