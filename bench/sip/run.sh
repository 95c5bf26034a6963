#!/bin/sh
# Builds the Wasm parser and runs the JsSIP comparison: ./run.sh [seconds per case]
set -eu
cd "$(dirname "$0")"
target="${CARGO_TARGET_DIR:-$PWD/target}"
CARGO_TARGET_DIR="$target" cargo build --release --target wasm32-unknown-unknown
[ -d node_modules ] || npm install --no-audit --no-fund
node bench.mjs "$target/wasm32-unknown-unknown/release/sip_wasm_bench.wasm" "${1:-1}"
