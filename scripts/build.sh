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

# 1. cargo build for wasm32.
if [ "$WASM_TOOLCHAIN" = debian ]; then
  say "cargo build (Debian rustc-web, build-std)"
  RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc /usr/bin/cargo build --release --lib \
    --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --target-dir target/debian
  WASM=target/debian/wasm32-unknown-unknown/release/stagecast.wasm
else
  say "cargo build (rustup)"
  cargo build --release --lib --target wasm32-unknown-unknown
  WASM=target/wasm32-unknown-unknown/release/stagecast.wasm
fi

# 2-3. wasm-bindgen and wasm-opt, only when the wasm changed.
sum="$(sha256sum "$WASM" | cut -d' ' -f1)-$(sha256sum scripts/build.sh | cut -c1-16)"
if [ "$(cat .build/wasm.sum 2>/dev/null)" != "$sum" ] || [ ! -f pkg/stagecast_bg.wasm ]; then
  say "wasm-bindgen --target web"
  rm -rf .build/pkg && mkdir -p .build/pkg
  wasm-bindgen --target web --out-dir .build/pkg --out-name stagecast "$WASM"
  say "wasm-opt -Oz"
  node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
    -o .build/pkg/stagecast_bg.opt.wasm .build/pkg/stagecast_bg.wasm
  mv .build/pkg/stagecast_bg.opt.wasm .build/pkg/stagecast_bg.wasm
  mkdir -p pkg
  cp .build/pkg/stagecast.js .build/pkg/stagecast_bg.wasm .build/pkg/stagecast.d.ts \
     .build/pkg/stagecast_bg.wasm.d.ts pkg/
  echo "$sum" > .build/wasm.sum
fi

# 4. The ES entry, the elements and package.json in pkg/, and dist/stagecast.js.
node www/build.mjs
