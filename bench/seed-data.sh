#!/usr/bin/env bash
# Importing an interaction file with `lyo seed --data` at the size of
# MovieLens-100K: a generated file of about 100,000 rows (943 learners, 1,682
# items; `lyo seed --synthetic --export`), or DATA=FILE (any file `lyo eval`
# reads, with ITEMS=FILE for its item file), loaded with --shift-to-now into an
# empty SQLite file. It prints the load's wall time, events/s, CPU time and peak
# resident memory, then starts `lyo serve` on the data, waits for the model
# training a node starts with, signs in as the file's first learner and checks
# that GET /api/v1/feed?limit=20 serves twenty items.
# Targets: every event accepted; the load within 5 minutes; peak RSS < 500 MiB;
# a full page for the imported learner.
#
# Exit status: 0 every target met, 3 a target missed, anything else an error.
# Knobs (environment): DATA, ITEMS, FORMAT (csv or recbole), EVENTS (255000
# generated events, which make about 100,000 distinct rows).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
. scripts/env.sh

EVENTS=${EVENTS:-255000}
MAX_SECONDS=300
MAX_RSS_KIB=$((500 * 1024))
for tool in /usr/bin/time curl python3; do
	command -v "$tool" >/dev/null || {
		echo "bench/seed-data.sh needs $tool" >&2
		exit 2
	}
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-seed-data.XXXXXX")
spid=""
cleanup() {
	if [ -n "$spid" ]; then kill "$spid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -tags "${LYO_TAGS:-}" -o "$tmp/lyo" ./cmd/lyo
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
echo "lyo at $commit, $(go env GOVERSION), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

common=(LYO_LOG_LEVEL=warn LYO_PASSWORD_MEMORY_KIB=64 LYO_PASSWORD_ITERATIONS=1 LYO_RATE_LIMIT=false LYO_DATA_DIR="$tmp/data")
data=${DATA:-}
if [ -z "$data" ]; then
	data=$tmp/interactions.csv
	"$tmp/lyo" seed --synthetic --learners 943 --items 1682 --events "$EVENTS" --seed 7 --now 2026-11-01T12:00:00Z \
		--export "$data" >/dev/null
fi
args=(seed --data "$data" --shift-to-now)
if [ -n "${ITEMS:-}" ]; then args+=(--items "$ITEMS"); fi
if [ -n "${FORMAT:-}" ]; then args+=(--format "$FORMAT"); fi
echo "lyo ${args[*]}"

status=0
/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" env -i PATH="$PATH" HOME="$tmp" "${common[@]}" "$tmp/lyo" "${args[@]}" \
	>"$tmp/out" 2>"$tmp/err" || {
	cat "$tmp/out" "$tmp/err" >&2
	exit 1
}
read -r wall user sys rss <"$tmp/time"
cat "$tmp/out"
m=$(grep -oE '[0-9]+ of [0-9]+ events accepted' "$tmp/out")
read -r accepted _ sent _ <<<"$m"
verdict=PASS
if [ "$accepted" != "$sent" ] || awk -v w="$wall" -v m="$MAX_SECONDS" 'BEGIN { exit !(w > m) }' || [ "$rss" -gt "$MAX_RSS_KIB" ]; then
	verdict=FAIL
	status=3
fi
printf 'load: %s rows, %s of %s events accepted in %.1f s (%.0f events/s), CPU %.1f s, peak RSS %d MiB: %s\n' \
	"$(grep -oE '[0-9]+ rows' "$tmp/out" | head -1 | cut -d' ' -f1)" "$accepted" "$sent" "$wall" "$(awk -v e="$sent" -v w="$wall" 'BEGIN { print e / w }')" \
	"$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((rss / 1024))" "$verdict"

port=$((20000 + RANDOM % 40000))
url=http://127.0.0.1:$port
env -i PATH="$PATH" HOME="$tmp" "${common[@]}" LYO_HTTP_ADDR="127.0.0.1:$port" "$tmp/lyo" serve >"$tmp/serve.log" 2>&1 &
spid=$!
for _ in $(seq 600); do
	curl -fsS -o /dev/null --max-time 1 "$url/readyz" 2>/dev/null && break
	kill -0 "$spid" 2>/dev/null || {
		tail -n 20 "$tmp/serve.log" >&2
		exit 1
	}
	sleep 0.1
done
trained=""
for _ in $(seq 1200); do
	m=$(curl -fsS --max-time 5 "$url/metrics" 2>/dev/null || true)
	if grep -q '^lyo_jobs_attempts_total{kind="feed.train_model",outcome="ok"}' <<<"$m"; then
		trained=$(awk '/^lyo_jobs_attempt_duration_seconds_sum\{kind="feed.train_model"\}/ {printf "%.1f", $2}' <<<"$m")
		break
	fi
	sleep 0.5
done
[ -n "$trained" ] || {
	echo "no model trained within 10 minutes" >&2
	exit 1
}
sleep 5 # the next index rebuild binds the new model
token=$(curl -fsS "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
	-d '{"email":"data1@data.lyolearn.test","password":"lyo-synthetic-password"}' |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
n=$(curl -fsS "$url/api/v1/feed?limit=20" -H "Authorization: Bearer $token" |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
verdict=PASS
if [ "$n" != 20 ]; then
	verdict=FAIL
	status=3
fi
echo "serve: model trained in $trained s; the feed served data1 $n of 20 items: $verdict"
exit "$status"
