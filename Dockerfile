# Multi-stage build of stinger. Base images are build arguments so that a
# mirror or pinned digest can be used. cgo stays enabled (herumi BLS); the
# binary is linked statically so the runtime image needs no libraries.
# Offline alternative (no registry access): Dockerfile.offline, see `make docker`.
ARG BUILD_IMAGE=golang:1.26-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=1 go build -trimpath -tags osusergo,netgo \
	-ldflags "-X main.version=${VERSION} -X main.commit=${COMMIT} -linkmode external -extldflags -static" \
	-o /out/stinger ./cmd/stinger

FROM ${RUNTIME_IMAGE}
RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& groupadd --system --gid 10001 stinger \
	&& useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin stinger \
	&& mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data
COPY --from=build /out/stinger /usr/local/bin/stinger
USER 10001:10001
WORKDIR /data
VOLUME /data
ENV STINGER_DATA_DIR=/data STINGER_API_ADDRESS=0.0.0.0:3620
EXPOSE 3620 3610
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
	CMD ["/usr/local/bin/stinger", "health", "--url", "http://127.0.0.1:3620/livez"]
ENTRYPOINT ["/usr/local/bin/stinger"]
CMD ["run"]
