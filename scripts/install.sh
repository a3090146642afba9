#!/usr/bin/env bash
# Installs what stagecast needs, and nothing that is already there.
# Follows shared/TOOLCHAIN.md: a rustc that already has the wasm32 standard
# library is used as it is; otherwise `rustup target add` (with a time-out);
# otherwise Debian's rustc-web with build-std. Writes the choice to
# .build/toolchain.env for scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p .build

say() { printf '\033[1m[install]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[install] missing: %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "root or sudo, to run: $*"; fi
}

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get (Debian 12), to install: $*"
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq || die "apt-get update failed (is the Debian mirror reachable?)"
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null \
    || die "Debian packages: $*"
}

# 1. Native Rust (tests the core).
command -v cargo >/dev/null 2>&1 || die "cargo: install rustup's stable toolchain (https://rustup.rs) and re-run"

cargo clippy --version >/dev/null 2>&1 || timeout 120 rustup component add clippy >/dev/null 2>&1 \
  || die "clippy (rustup component add clippy)"

# 2. A Rust with the wasm32 standard library.
# STAGECAST_WASM_TOOLCHAIN=debian forces the third path (to test it).
WASM_STD_DIR="$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib"
mode=""
if [ "${STAGECAST_WASM_TOOLCHAIN:-}" = debian ]; then
  :
elif [ -d "$WASM_STD_DIR" ]; then
  mode=rustup
elif command -v rustup >/dev/null 2>&1 && timeout 60 rustup target add wasm32-unknown-unknown >/dev/null 2>&1 \
     && [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]; then
  say "added rustup's wasm32-unknown-unknown target"
  mode=rustup
fi
if [ -z "$mode" ]; then
  if ! { [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] && [ -d /usr/lib/rustlib/src/rust/library ] && [ -e /usr/bin/rust-lld ]; }; then
    say "no wasm32 standard library from rustup: using Debian's rustc-web with build-std"
    apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
  fi
  [ -x /usr/bin/rustc ] || die "Debian's rustc-web (/usr/bin/rustc)"
  [ -d /usr/lib/rustlib/src/rust/library ] || die "Debian's rust-web-src (/usr/lib/rustlib/src/rust/library)"
  mode=debian
fi
echo "WASM_TOOLCHAIN=$mode" > .build/toolchain.env.tmp
mv .build/toolchain.env.tmp .build/toolchain.env

# 3. wasm-bindgen CLI at exactly the crate's pinned version.
WBG_VERSION="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ -n "$WBG_VERSION" ] || die "a pinned wasm-bindgen = \"=X\" line in Cargo.toml"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WBG_VERSION (takes a few minutes, once)"
  CARGO_BIN=cargo
  [ "$mode" = debian ] && ! command -v cargo >/dev/null && CARGO_BIN=/usr/bin/cargo
  $CARGO_BIN install wasm-bindgen-cli --version "=$WBG_VERSION" --locked \
    || $CARGO_BIN install wasm-bindgen-cli --version "=$WBG_VERSION" \
    || die "wasm-bindgen-cli $WBG_VERSION (cargo install failed)"
fi

# 4. Node and the npm tools: binaryen@132 (wasm-opt; never Debian's binaryen)
#    and playwright-core (drives Debian's Chromium; no browser download).
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' || die "Node.js >= 18"
if [ ! -f node_modules/.stagecast-installed ] || [ package-lock.json -nt node_modules/.stagecast-installed ]; then
  say "npm ci (binaryen, playwright-core, typescript)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error || die "npm packages (npm ci failed)"
  touch node_modules/.stagecast-installed
fi
[ -x node_modules/.bin/wasm-opt ] || die "wasm-opt from npm's binaryen (node_modules/.bin/wasm-opt)"
[ -f node_modules/typescript/bin/tsc ] || die "typescript from npm (node_modules/typescript; tests/node/types.test.mjs runs its tsc)"

# 5. A real browser for the browser tests.
if [ "${STAGECAST_NO_BROWSER:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
say "ready (wasm toolchain: $mode)"
