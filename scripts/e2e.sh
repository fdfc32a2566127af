#!/usr/bin/env bash
# Runs the end-to-end tests: every package that has files behind the `e2e`
# build tag is tested with -tags e2e (its unit tests run again too, without
# -race). Packages without e2e files are covered by `make test` already.
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"

mapfile -t pkgs < <("$GO" list -tags e2e -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}}{{end}}' ./... |
	while read -r pkg dir; do
		if grep -lqsE '^//go:build.*\be2e\b' "$dir"/*_test.go; then echo "$pkg"; fi
	done)

if [ "${#pkgs[@]}" -eq 0 ]; then
	echo "e2e: no packages with e2e tests"
	exit 0
fi
echo "e2e: ${pkgs[*]}"
# One package at a time: the suites run clusters on real-time slot clocks, and
# two of them sharing the machine's cores would measure each other's load.
"$GO" test -tags e2e -count=1 -p 1 -timeout 40m "${pkgs[@]}"
