#!/usr/bin/env bash
# Builds the stinger image $IMAGE. With both base images ($BUILD_IMAGE,
# $RUNTIME_IMAGE) present locally it uses the multi-stage Dockerfile;
# otherwise (e.g. no registry access) it builds a static binary on the host
# and packages it FROM scratch with Dockerfile.offline, pulling nothing.
# STINGER_DOCKER_MODE=online|offline forces a path.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-stinger:dev}"
BUILD_IMAGE="${BUILD_IMAGE:-golang:1.26-bookworm}"
RUNTIME_IMAGE="${RUNTIME_IMAGE:-debian:bookworm-slim}"
VERSION="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
COMMIT="${COMMIT:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)}"
mode="${STINGER_DOCKER_MODE:-}"

if [ -z "$mode" ]; then
	if docker image inspect "$BUILD_IMAGE" >/dev/null 2>&1 && docker image inspect "$RUNTIME_IMAGE" >/dev/null 2>&1; then
		mode=online
	else
		mode=offline
		echo "docker: base images $BUILD_IMAGE / $RUNTIME_IMAGE not present locally: building the offline FROM scratch image"
	fi
fi

case "$mode" in
online)
	docker build --build-arg BUILD_IMAGE="$BUILD_IMAGE" --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" \
		--build-arg VERSION="$VERSION" --build-arg COMMIT="$COMMIT" -t "$IMAGE" .
	;;
offline)
	make --no-print-directory build-static VERSION="$VERSION" COMMIT="$COMMIT"
	stage="dist/docker-offline"
	rm -rf "$stage"
	mkdir -p "$stage/data"
	cp bin/stinger-static "$stage/stinger"
	ca=""
	for f in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
		if [ -s "$f" ]; then ca="$f" && break; fi
	done
	if [ -n "$ca" ]; then
		cp "$ca" "$stage/ca-certificates.crt"
	else
		echo "docker: warning: no CA bundle on this host; the image will not verify TLS peers" >&2
		: >"$stage/ca-certificates.crt"
	fi
	printf 'root:x:0:0:root:/root:/sbin/nologin\nstinger:x:10001:10001:stinger:/data:/sbin/nologin\n' >"$stage/passwd"
	printf 'root:x:0:\nstinger:x:10001:\n' >"$stage/group"
	cp Dockerfile.offline "$stage/Dockerfile"
	docker build -t "$IMAGE" "$stage"
	;;
*)
	echo "docker: STINGER_DOCKER_MODE must be online or offline, got $mode" >&2
	exit 1
	;;
esac
echo "docker: built $IMAGE ($mode)"
