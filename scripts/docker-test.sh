#!/usr/bin/env bash
# Starts $IMAGE with the example config, waits until /livez answers 200 and
# the container's HEALTHCHECK reports healthy, then stops it and requires a
# clean exit (status 0). Uses the host's bin/stinger as HTTP client (no curl needed).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-stinger:dev}"
name="stinger-docker-test-$$"
probe=bin/stinger
[ -x "$probe" ] || make --no-print-directory build

cleanup() { docker rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT

docker run -d --name "$name" -p 127.0.0.1::3620 \
	--health-interval 1s --health-timeout 3s --health-start-period 1s \
	-v "$PWD/examples:/config:ro" "$IMAGE" run --config /config/stinger.yaml >/dev/null
port="$(docker port "$name" 3620/tcp | head -n1 | sed 's/.*://')"
url="http://127.0.0.1:${port}/livez"
echo "docker-test: container $name, probing $url"

deadline=$((SECONDS + 60))
until "$probe" health --url "$url" --timeout 1s >/dev/null 2>&1; do
	if [ "$(docker inspect -f '{{.State.Running}}' "$name")" != true ] || [ $SECONDS -ge $deadline ]; then
		echo "docker-test: /livez never answered 200" >&2
		docker logs "$name" >&2 || true
		exit 1
	fi
	sleep 0.5
done
echo "docker-test: /livez answered 200"

until [ "$(docker inspect -f '{{.State.Health.Status}}' "$name")" = healthy ]; do
	if [ $SECONDS -ge $deadline ]; then
		echo "docker-test: HEALTHCHECK never reported healthy: $(docker inspect -f '{{json .State.Health}}' "$name")" >&2
		docker logs "$name" >&2 || true
		exit 1
	fi
	sleep 0.5
done
echo "docker-test: HEALTHCHECK healthy"

user="$(docker inspect -f '{{.Config.User}}' "$name")"
if [ "$user" = "" ] || [ "${user%%:*}" = 0 ] || [ "${user%%:*}" = root ]; then
	echo "docker-test: image runs as root (User=$user)" >&2
	exit 1
fi

docker stop -t 10 "$name" >/dev/null
code="$(docker inspect -f '{{.State.ExitCode}}' "$name")"
if [ "$code" != 0 ]; then
	echo "docker-test: container exited with $code after docker stop" >&2
	docker logs "$name" >&2 || true
	exit 1
fi
echo "docker-test: stopped cleanly (exit 0); image $IMAGE OK"
