# Multi-stage build: compile with libvips headers, run as a non-root user with only
# the shared libraries and ffmpeg the binary needs.
FROM golang:1.26-bookworm AS build
ENV GOTOOLCHAIN=go1.27.3
RUN apt-get update && apt-get install -y --no-install-recommends libvips-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git stays out of the build context (.dockerignore): pass the commit in with
# docker build --build-arg LYO_COMMIT=$(git rev-parse --short=12 HEAD) .
ARG LYO_COMMIT=unknown
RUN go build -tags vips -trimpath -ldflags "-s -w -X github.com/lyolearn/lyo/internal/app.Commit=${LYO_COMMIT}" -o /out/lyo ./cmd/lyo

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libvips42 ffmpeg ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/lyo --create-home lyo
COPY --from=build /out/lyo /usr/local/bin/lyo
USER 10001:10001
WORKDIR /var/lib/lyo
ENV LYO_DATA_DIR=/var/lib/lyo/data LYO_HTTP_ADDR=:8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD ["/usr/bin/env", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000 && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && grep -q 200 <&3"]
ENTRYPOINT ["/usr/local/bin/lyo"]
CMD ["serve"]
