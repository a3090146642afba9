#!/usr/bin/env bash
# Fuzzes the native core: every cargo-fuzz target in fuzz/ runs for
# FUZZ_SECONDS (default 60) and the executions libFuzzer reports ("Done N
# runs") are summed into fuzz/RESULTS.md. Exits non-zero on any crash; the
# crashing input is left in fuzz/artifacts/<target>/ (turn it into a test in
# tests/).
#
#   FUZZ_SECONDS=600 scripts/fuzz.sh          # 10 minutes per target
#   FUZZ_TARGETS="csv" scripts/fuzz.sh        # only some targets
#   FUZZ_JOBS=2 scripts/fuzz.sh               # targets in parallel
#   FUZZ_SANITIZER=none scripts/fuzz.sh       # if AddressSanitizer fails
#
# cargo-fuzz needs nightly rustc flags; with a stable toolchain the script
# sets RUSTC_BOOTSTRAP=1, which lets stable accept them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-1}"
SAN="${FUZZ_SANITIZER:-address}"
say() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  say "installing cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
export CARGO_TARGET_DIR="$PWD/fuzz/target"
LOGS="$CARGO_TARGET_DIR/logs"
mkdir -p "$LOGS"

targets="${FUZZ_TARGETS:-$(cargo fuzz list --fuzz-dir fuzz)}"
say "building ($SAN sanitizer): $(echo $targets)"
build_all() {
  local t
  for t in $targets; do cargo fuzz build --fuzz-dir fuzz -s "$1" "$t" || return 1; done
}
if ! build_all "$SAN"; then
  [ "$SAN" != none ] || exit 1
  say "build with $SAN failed; retrying without a sanitizer"
  SAN=none
  build_all none
fi

run_one() {
  local t="$1"
  mkdir -p "fuzz/corpus/$t" "fuzz/seeds/$t"
  # New inputs go to fuzz/corpus/<t> (ignored by git); fuzz/seeds/<t> is
  # the committed starting corpus, read only.
  if cargo fuzz run --fuzz-dir fuzz -s "$SAN" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
      -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
      >"$LOGS/$t.log" 2>&1; then
    echo ok >"$LOGS/$t.status"
  else
    echo CRASH >"$LOGS/$t.status"
  fi
}

say "running each target for ${SECONDS_EACH}s, $JOBS at a time"
running=0
for t in $targets; do
  rm -f "$LOGS/$t.status"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

total=0
crashes=0
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
{
  echo "# Fuzzing results"
  echo
  echo "Written by \`scripts/fuzz.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit,"
  echo "$(rustc --version), sanitizer: $SAN, ${SECONDS_EACH}s per target."
  echo
  echo "| target | executions | seconds | result |"
  echo "|---|---:|---:|---|"
} >fuzz/RESULTS.md.new
for t in $targets; do
  done_line="$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$LOGS/$t.log" | tail -1 || true)"
  runs="$(echo "$done_line" | awk '{print $2}')"
  secs="$(echo "$done_line" | awk '{print $5}')"
  status="$(cat "$LOGS/$t.status" 2>/dev/null || echo CRASH)"
  if [ -z "$runs" ]; then
    # A crash stops libFuzzer before "Done"; count the last status line.
    runs="$(grep -Eo '^#[0-9]+' "$LOGS/$t.log" | tail -1 | tr -d '#' || true)"
    runs="${runs:-0}"
    status=CRASH
  fi
  [ "$status" = ok ] || crashes=$((crashes + 1))
  total=$((total + runs))
  say "$t: $runs executions in ${secs:-?}s: $status (log: $LOGS/$t.log)"
  echo "| $t | $runs | ${secs:-?} | $status |" >>fuzz/RESULTS.md.new
done
{
  echo "| **total** | **$total** | | **$crashes crash(es)** |"
  echo
  echo "Command: \`FUZZ_SECONDS=$SECONDS_EACH FUZZ_JOBS=$JOBS scripts/fuzz.sh\`"
} >>fuzz/RESULTS.md.new
mv fuzz/RESULTS.md.new fuzz/RESULTS.md
say "total: $total executions, $crashes crash(es); see fuzz/RESULTS.md"
[ "$crashes" -eq 0 ]
