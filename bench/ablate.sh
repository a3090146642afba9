#!/usr/bin/env bash
# Where `ColumnScorer.scoreColumns` spends its time, in Chromium's wasm and in
# plain JS (issue 14's "columnar path at least 2x plain JS"). Not part of
# `make bench` or CI: run it by hand after `make build`, on a quiet machine.
#
# It builds HEAD (committed work only) three times in a throw-away worktree, with
# bench/ablate.patch applied and a different cut each time, and runs
# `BENCH_ONLY=score-col node bench/run.mjs` there (11 / 5 / 3 rounds at
# 10k / 100k / 1M rows):
#   full    the real kernel (the patch changes nothing without a cut);
#   nomath  no square roots, exp or divisions: a row's state, its steps and
#           codes only (wasm: `--cfg stagecast_ablate="nomath"`; the JS twin
#           stops at the same place);
#   io      the boundary alone: wasm copies the columns in, checks their
#           shape, and copies a zeroed output out; JS allocates and fills
#           its output. No row is scored;
#   o3      the real kernel built for speed instead of size: opt-level 3
#           and wasm-opt -O3 (the analysis part's size is printed);
#   simd128 the real kernel with wasm's SIMD enabled for LLVM to use.
# Your tree, its pkg/, dist/ and bench results are not touched; the builds are
# cached in target/ablate/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
say() { printf '\033[1m[ablate]\033[0m %s\n' "$*"; }
[ -f .build/toolchain.env ] || scripts/install.sh
TMP="$(mktemp -d "${TMPDIR:-/tmp}/stagecast-ablate.XXXXXX")"
cleanup() { git -C "$ROOT" worktree remove --force "$TMP/tree" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
git worktree add --quiet --detach "$TMP/tree" HEAD
cd "$TMP/tree"
git apply "$ROOT/bench/ablate.patch"
ln -s "$ROOT/node_modules" node_modules
mkdir -p .build "$ROOT/target/ablate"
cp "$ROOT/.build/toolchain.env" .build/
ln -s "$ROOT/target/ablate" target
say "native timing binaries (the bench runs them beside the wasm)"
cargo build --quiet --release --example bench_native
cargo build --quiet --profile bench-o3 --example bench_native
for cut in ${ABLATE_CUTS:-full nomath io o3 simd128}; do
  say "cut: $cut"
  flags="" opt="" wopt=""
  case "$cut" in
    nomath | io) flags="--cfg stagecast_ablate=\"$cut\"" ;;
    o3) opt=3 wopt="-O3" ;;
    simd128) flags="-C target-feature=+simd128" ;;
  esac
  js=full
  case "$cut" in nomath | io) js="$cut" ;; esac
  sed -i "s/const ABLATE = '[a-z]*';/const ABLATE = '$js';/" bench/js/plain.js
  if ! RUSTFLAGS="$flags" CARGO_PROFILE_RELEASE_OPT_LEVEL="${opt:-z}" WASM_OPT_FLAGS="$wopt" scripts/build.sh >"$TMP/build.log" 2>&1; then
    cat "$TMP/build.log"
    exit 1
  fi
  grep 'pkg/analysis/stagecast_bg.wasm' "$TMP/build.log" | sed "s/^/$cut  /"
  BENCH_ONLY=score-col node bench/run.mjs | grep '^score-col' | sed "s/^/$cut  /"
done
