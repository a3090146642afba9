#!/usr/bin/env bash
# Builds pkg/ (wasm-bindgen --target web output + package.json + ES entry)
# and dist/stagecast.js (one classic script, wasm inlined). wasm-pack's three
# steps done by hand: cargo build, wasm-bindgen, wasm-opt -Oz. Steps whose
# input did not change are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[build]\033[0m %s\n' "$*"; }
[ -f .build/toolchain.env ] || scripts/install.sh
# shellcheck disable=SC1091
. .build/toolchain.env

# 1-3. cargo build for wasm32, then wasm-bindgen and wasm-opt (only when the
# wasm changed), once per part (see [features] in Cargo.toml): the widget's
# wasm (pkg/), the analysis wasm loaded on first use (pkg/analysis/), and the
# CSV worker's wasm (pkg/csv/), which only the import's Web Worker loads.
variant() { # name out-dir sum-file cargo-args...
  local name="$1" out="$2" sumfile="$3"; shift 3
  local dir wasm
  if [ "$WASM_TOOLCHAIN" = debian ]; then
    say "cargo build $name (Debian rustc-web, build-std)"
    dir="target/debian"
    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --lib \
      --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --target-dir "$dir" "$@"
  else
    say "cargo build $name (rustup)"
    dir="target"
    cargo build --release --lib --target wasm32-unknown-unknown --target-dir "$dir" "$@"
  fi
  wasm="$dir/wasm32-unknown-unknown/release/stagecast.wasm"
  local sum
  sum="$(sha256sum "$wasm" | cut -d' ' -f1)-$(sha256sum scripts/build.sh | cut -c1-16)${WASM_OPT_FLAGS:+-$(echo "$WASM_OPT_FLAGS" | sha256sum | cut -c1-8)}"
  if [ "$(cat "$sumfile" 2>/dev/null)" != "$sum" ] || [ ! -f "$out/stagecast_bg.wasm" ]; then
    local tmp=".build/pkg${name:+-$name}"
    say "wasm-bindgen --target web $name"
    rm -rf "$tmp" && mkdir -p "$tmp"
    wasm-bindgen --target web --out-dir "$tmp" --out-name stagecast "$wasm"
    # --low-memory-unused --zero-filled-memory: the module owns its memory
    # (wasm-bindgen creates it, zeroed) and leaves its low 1 KiB unused, so
    # wasm-opt may fold memory offsets and drop zero data (-0.9 KB gzip).
    # --converge repeats -Oz until the module stops shrinking (widget part:
    # -0.5 KB gzip, about 15 s instead of 3). --one-caller-inline-max-
    # function-size=0 keeps a function called from one place a function
    # instead of inlining it: more bytes raw, but they gzip far better
    # (widget part: 78.1 -> 70.2 KB gzip).
    # WASM_OPT_FLAGS replaces the optimisation flags (bench/ablate.sh: -O3).
    say "wasm-opt ${WASM_OPT_FLAGS:--Oz} $name"
    # shellcheck disable=SC2086
    node_modules/.bin/wasm-opt ${WASM_OPT_FLAGS:--Oz --converge --one-caller-inline-max-function-size=0} --low-memory-unused --zero-filled-memory --strip-debug --strip-producers \
      -o "$tmp/stagecast_bg.opt.wasm" "$tmp/stagecast_bg.wasm"
    mv "$tmp/stagecast_bg.opt.wasm" "$tmp/stagecast_bg.wasm"
    mkdir -p "$out"
    cp "$tmp/stagecast.js" "$tmp/stagecast_bg.wasm" "$tmp/stagecast.d.ts" "$tmp/stagecast_bg.wasm.d.ts" "$out/"
    echo "$sum" > "$sumfile"
  fi
}
variant "" pkg .build/wasm.sum
variant analysis pkg/analysis .build/wasm-analysis.sum --features analysis
variant csv pkg/csv .build/wasm-csv.sum --features csv

# 4. The ES entry, the elements and package.json in pkg/, dist/stagecast.js
# and dist/stagecast-csv.js (the CSV worker, started next to it).
node www/build.mjs
