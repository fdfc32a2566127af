#!/usr/bin/env bash
# Regenerates the marketplace contract artifacts (ABI + bytecode under contracts/build) and the
# go-ethereum abigen v2 bindings (package marketplace/bindings) reproducibly.
# Needs node and the solc-js 0.8.30 tarball (SOLC_TGZ, default ../shared/tools/solc-js-0.8.30.tgz
# relative to the repository root). Usage: marketplace/contracts/generate.sh [outRoot]
# With outRoot set, writes build/ and bindings/ under outRoot instead (used by the freshness test).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/marketplace}"
tgz="${SOLC_TGZ:-$repo/../shared/tools/solc-js-0.8.30.tgz}"
[ -f "$tgz" ] || { echo "solc-js tarball not found at $tgz (set SOLC_TGZ)" >&2; exit 1; }
solcdir="$(mktemp -d)"
trap 'rm -rf "$solcdir"' EXIT
tar xzf "$tgz" -C "$solcdir"
NODE_PATH="$solcdir/node_modules" node "$here/compile.js" "$out/contracts/build"
mkdir -p "$out/bindings"
cd "$repo"
for c in NetworkRegistry DAMFactory DAM TimeLockVault TestToken; do
  lower="$(echo "$c" | tr '[:upper:]' '[:lower:]')"
  go run github.com/ethereum/go-ethereum/cmd/abigen@v1.17.8 --v2 \
    --abi "$out/contracts/build/$c.abi" --bin "$out/contracts/build/$c.bin" \
    --type "$c" --pkg bindings --out "$out/bindings/$lower.go"
done
