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

# deadline_race reports whether a failed run's log is Go's own -fuzztime
# shutdown race (go.dev/issue/75804, fixed in Go 1.27, present in every 1.26.x):
# the target "fails" with a bare "context deadline exceeded" at the fuzztime
# boundary, having written no failing input and printed no panic or t.Error.
# A real finding always writes "Failing input written to testdata/fuzz/...".
deadline_race() {
	grep -q 'context deadline exceeded' "$1" &&
		! grep -qE 'Failing input written|panic:|_test\.go:[0-9]+:' "$1"
}

echo "fuzz: ${#targets[@]} targets, ${FUZZTIME} each"
out="$(mktemp)"
trap 'rm -f "$listing" "$out"' EXIT
failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	ok=0
	# The race is retried (twice at most); any real finding fails at once.
	for try in 1 2 3; do
		echo "=== fuzz $pkg $name (attempt $try)"
		if "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1 | tee "$out"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
			ok=1
			break
		fi
		if ! deadline_race "$out"; then
			break
		fi
		echo "fuzz: $name hit Go's -fuzztime shutdown race (go.dev/issue/75804, no failing input); running it again" >&2
	done
	if [ "$ok" -eq 0 ]; then
		failed+=("$pkg $name")
	fi
done

if [ "${#failed[@]}" -gt 0 ]; then
	echo "fuzz: ${#failed[@]} target(s) failed:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets passed"
