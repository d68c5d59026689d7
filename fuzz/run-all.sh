#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), one after the other; stops at a finding.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
for t in models_load revision_parse statement_split url_redact; do
  mkdir -p "corpus/$t"
  echo "fuzz: $t for ${secs}s"
  cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=4096 2>&1 | tail -n 3
done
