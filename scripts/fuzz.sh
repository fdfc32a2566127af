#!/usr/bin/env bash
# Runs every `func Fuzz*` target in the module for FUZZTIME (default 10s).
# Targets are discovered with `go test -list`, so new fuzz targets are picked
# up without editing this script. Exits non-zero if any target fails.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-10s}"
GO="${GO:-go}"

listing="$(mktemp)"
trap 'rm -f "$listing"' EXIT
# One invocation compiles every test binary and prints, per package, the
# matching names followed by "ok <package> <time>".
if ! "$GO" test -list '^Fuzz' ./... >"$listing" 2>&1; then
	cat "$listing" >&2
	echo "fuzz: listing fuzz targets failed" >&2
	exit 1
fi

targets=()
pending=()
while IFS= read -r line; do
	case "$line" in
	Fuzz*) pending+=("$line") ;;
	ok*)
		pkg="$(awk '{print $2}' <<<"$line")"
		for name in "${pending[@]+"${pending[@]}"}"; do
			targets+=("$pkg $name")
		done
		pending=()
		;;
	*) pending=() ;;
	esac
done <"$listing"

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz: no fuzz targets found"
	exit 0
fi

echo "fuzz: ${#targets[@]} targets, ${FUZZTIME} each"
failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "=== fuzz $pkg $name"
	if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"; then
		failed+=("$pkg $name")
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	echo "fuzz: ${#failed[@]} target(s) failed:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed"
