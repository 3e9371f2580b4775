#!/usr/bin/env bash
# A 1 GiB upload through Lyo (POST /api/v1/storage/upload: multipart parsing,
# type and header read first, streamed to the local store while hashed, an
# atomic fsynced write, the record and its job) against a bare net/http handler
# that streams the same multipart file to disk and fsyncs it (bench/upload -serve),
# in the same run, with the peak resident memory (VmHWM) of both servers.
# Target: Lyo keeps at least 70% of the baseline's throughput.
#
# Exit status: 0 the target met, 3 missed, anything else an error.
# Knobs (environment): SIZE (bytes, 1073741824), ROUNDS (2), TMPDIR (where the
# file, the uploads and the data directory go: it needs 3 × SIZE free).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
. scripts/env.sh

SIZE=${SIZE:-1073741824}
ROUNDS=${ROUNDS:-2}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-upload.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -tags "$LYO_TAGS" -o "$tmp/lyo" ./cmd/lyo
go build -o "$tmp/upload" ./bench/upload

# shellcheck source=bench/lib.sh
. bench/lib.sh
lyo_port=$(free_port)
bare_port=$(free_port)
mkdir -p "$tmp/data" "$tmp/bare" "$tmp/file"

env -i PATH="$PATH" HOME="$HOME" LYO_DATA_DIR="$tmp/data" LYO_HTTP_ADDR="127.0.0.1:$lyo_port" LYO_LOG_LEVEL=error \
	LYO_RATE_LIMIT=false LYO_JOBS_WORKERS=0 LYO_MEDIA_MAX_IMAGE_BYTES=$((SIZE * 2)) LYO_MEDIA_QUOTA_LEARNER=0 \
	"$tmp/lyo" serve >"$tmp/lyo.log" 2>&1 &
pids+=($!)
lyo_pid=$!
"$tmp/upload" -serve "127.0.0.1:$bare_port" -dir "$tmp/bare" &
pids+=($!)
bare_pid=$!

for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$lyo_port/readyz" >/dev/null && break
	sleep 0.2
done
curl -sf "http://127.0.0.1:$lyo_port/readyz" >/dev/null || { echo "lyo did not start:"; cat "$tmp/lyo.log"; exit 1; } >&2

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
echo "lyo at $commit, $(go env GOVERSION), $(nproc) cores ($cpu), $(df -h --output=fstype "$tmp" | tail -1 | tr -d ' ') under $tmp"
echo "load before: $(uptime)"
status=0
"$tmp/upload" -dir "$tmp/file" -bare "http://127.0.0.1:$bare_port" -lyo "http://127.0.0.1:$lyo_port" \
	-bare-pid "$bare_pid" -lyo-pid "$lyo_pid" -size "$SIZE" -rounds "$ROUNDS" || status=$?
echo "load after:  $(uptime)"
exit $status
