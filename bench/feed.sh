#!/usr/bin/env bash
# The For You feed under load. For each data set it seeds an empty SQLite file
# with `lyo seed --synthetic` (ending at the time of the run), starts `lyo serve`,
# waits for the model training that a node starts with (its time is the model
# rebuild time), and loads GET /api/v1/feed?limit=20 with bench/feed (vegeta as a
# library): a cold pass over the signed-in learners, then DURATION at each
# concurrency of CONC with exactly that many requests in flight. It prints p50,
# p99, requests/s, the node's resident memory and CPU time per request, and the
# load generator's own CPU time per request. Then it measures the time from an
# event's 2xx to its effect on that learner's next page. With
# LYO_TEST_POSTGRES_URL and LYO_TEST_REDIS_URL set it also seeds a PostgreSQL
# database, starts two nodes on it and one Redis, posts each event to one node
# and reads the page from the other.
#
# Data sets (SETS): large = 10,000 learners, 100,000 items, 1,000,000 events;
# ml100k = the size of MovieLens-100K (943 learners, 1,682 items, 100,000 events).
# Targets: large: p99 < 25 ms at concurrency 8, >= 1,000 requests/s, RSS < 1 GiB,
# model rebuild < 60 s; ml100k: p99 < 10 ms at concurrency 8, >= 1,720
# requests/s; an event's effect on the next page within 1 s, on one node and
# across two.
# Exit status: 0 every target met, 3 a target missed, anything else an error.
#
# Knobs (environment): SETS ("ml100k large"), DURATION (20s), CONC (1,8), LOGINS
# (1000 learners signed in and cycled through), TRIALS (100 events for the lag),
# KEEP (a directory: seeded SQLite data is kept there and reused by later runs).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3

SETS=${SETS:-ml100k large}
DURATION=${DURATION:-20s}
CONC=${CONC:-1,8}
LOGINS=${LOGINS:-1000}
TRIALS=${TRIALS:-100}
KEEP=${KEEP:-}
SEED=42
REBUILD_TARGET=60

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-feed.XXXXXX")
pids=()
pgdb=""
redis_prefix=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	if [ -n "$pgdb" ]; then psql "$LYO_TEST_POSTGRES_URL" -qXc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true; fi
	if [ -n "$redis_prefix" ]; then
		redis-cli -u "$LYO_TEST_REDIS_URL" --scan --pattern "$redis_prefix*" 2>/dev/null |
			xargs -r redis-cli -u "$LYO_TEST_REDIS_URL" del >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tags=""
if pkg-config --exists vips 2>/dev/null; then tags=vips; fi
echo "building lyo (tags: ${tags:-none}) and bench/feed" >&2
go build -tags "$tags" -o "$tmp/lyo" ./cmd/lyo
go build -o "$tmp/feed" ./bench/feed

# shellcheck source=bench/lib.sh
. bench/lib.sh

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
hz=$(getconf CLK_TCK)
cpu_s() { awk -v hz="$hz" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; } # user + system
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
echo "lyo at $commit, $(go env GOVERSION), $(nproc) cores ($cpu); load average $(loadavg)"

# Accounts are seeded with cheap password hashing (64 KiB, one pass) so that
# signing in a thousand learners takes seconds; no timed request hashes one.
common=(LYO_LOG_LEVEL=warn LYO_PASSWORD_MEMORY_KIB=64 LYO_PASSWORD_ITERATIONS=1 LYO_RATE_LIMIT=false
	LYO_ACCESS_TOKEN_TTL=1h)

# seed NAME LEARNERS ITEMS EVENTS ENV...: loads the set with the given settings.
seed() {
	local name=$1 learners=$2 items=$3 events=$4 now t0
	shift 4
	now=$(date -u +%Y-%m-%dT%H:%M:00Z)
	echo "seeding $name: lyo seed --synthetic --learners $learners --items $items --events $events --seed $SEED --now $now" >&2
	t0=$(date +%s)
	env -i PATH="$PATH" HOME="$tmp" "${common[@]}" "$@" "$tmp/lyo" seed --synthetic --learners "$learners" --items "$items" \
		--events "$events" --seed "$SEED" --now "$now" >"$tmp/seed.out" 2>"$tmp/seed.err" || {
		cat "$tmp/seed.out" "$tmp/seed.err" >&2
		exit 1
	}
	grep -q "$events of $events events accepted" "$tmp/seed.out" || {
		cat "$tmp/seed.out" >&2
		echo "$name: not every event was accepted" >&2
		exit 1
	}
	echo "seeded $name in $(($(date +%s) - t0)) s (data ending $now)"
}

# serve NAME ENV...: starts a node, leaving its pid in SPID and its URL in SURL.
serve() {
	local name=$1 port
	shift
	port=$(free_port)
	env -i PATH="$PATH" HOME="$tmp" "${common[@]}" LYO_HTTP_ADDR="127.0.0.1:$port" "$@" \
		"$tmp/lyo" serve >>"$tmp/$name.log" 2>&1 &
	SPID=$!
	pids+=("$SPID")
	SURL=http://127.0.0.1:$port
	for _ in $(seq 600); do
		if curl -fsS -o /dev/null --max-time 1 "$SURL/readyz" 2>/dev/null; then return; fi
		if ! kill -0 "$SPID" 2>/dev/null; then
			echo "$name stopped before it was ready:" >&2
			tail -n 20 "$tmp/$name.log" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "$name was not ready after 60 s" >&2
	exit 1
}

# trained URL...: waits until one of the nodes has trained the feed's models
# (every node schedules a training at start; one runs it), and prints how long
# the training took.
trained() {
	local url m
	for _ in $(seq 1200); do
		for url in "$@"; do
			m=$(curl -fsS --max-time 5 "$url/metrics" 2>/dev/null || true)
			if grep -q '^lyo_jobs_attempts_total{kind="feed.train_model",outcome="ok"}' <<<"$m"; then
				awk '/^lyo_jobs_attempt_duration_seconds_sum\{kind="feed.train_model"\}/ {printf "%.1f", $2}' <<<"$m"
				return
			fi
			if grep -q '^lyo_jobs_attempts_total{kind="feed.train_model",outcome="\(error\|panic\)"}' <<<"$m"; then
				echo "the model training failed on $url" >&2
				exit 1
			fi
		done
		sleep 0.5
	done
	echo "no model trained within 10 minutes" >&2
	exit 1
}

status=0

# measure NAME LEARNERS P99 RPS: loads the node in SURL/SPID.
measure() {
	local name=$1 learners=$2 p99=$3 rps=$4 rc=0
	echo
	echo "$name: load average $(loadavg) before the load"
	"$tmp/feed" -mode load -url "$SURL" -pid "$SPID" -learners "$LOGINS" -of "$learners" -c "$CONC" -duration "$DURATION" \
		-p99 "$p99" -rps "$rps" -label "$name" || rc=$?
	if [ "$rc" = 3 ]; then status=3; elif [ "$rc" != 0 ]; then exit "$rc"; fi
	rc=0
	"$tmp/feed" -mode lag -url "$SURL" -learners "$TRIALS" -of "$learners" -trials "$TRIALS" -label "$name, one node" || rc=$?
	if [ "$rc" = 3 ]; then status=3; elif [ "$rc" != 0 ]; then exit "$rc"; fi
	echo "$name: load average $(loadavg) after the load; resident memory of lyo serve now $(rss_mib "$SPID") MiB"
}

for set in $SETS; do
	case $set in
	large) sizes=(10000 100000 1000000) p99=25ms rps=1000 ;;
	ml100k) sizes=(943 1682 100000) p99=10ms rps=1720 ;;
	*)
		echo "unknown data set $set (want large or ml100k)" >&2
		exit 2
		;;
	esac
	dir=$tmp/$set
	if [ -n "$KEEP" ]; then dir=$KEEP/$set; fi
	echo
	if [ -f "$dir/seeded" ]; then
		echo "$set: reusing the data seeded in $dir ($(cat "$dir/seeded"))"
	else
		rm -rf "$dir"
		mkdir -p "$dir"
		seed "$set" "${sizes[@]}" LYO_DATA_DIR="$dir"
		echo "${sizes[*]}, seeded $(date -u +%FT%TZ)" >"$dir/seeded"
	fi
	t0=$(date +%s.%N)
	serve "$set" LYO_DATA_DIR="$dir"
	ready=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
	if [ -f "$dir/trained" ]; then
		# The training a node starts with is unique per LYO_FEED_TRAIN_EVERY
		# period: a node on reused data may not train again. Its time is the
		# one measured when the data was first served.
		secs=$(cat "$dir/trained")
		how="measured when this data was first served"
	else
		secs=$(trained "$SURL")
		how="at the node's start; lyo serve's CPU time from its start to the end of it: $(cpu_s "$SPID") s"
		echo "$secs" >"$dir/trained"
	fi
	sleep 12 # the next index rebuild (LYO_FEED_REFRESH, 10 s) binds the new model
	verdict=PASS
	if ! awk -v s="$secs" -v m="$REBUILD_TARGET" 'BEGIN {exit !(s < m)}'; then
		verdict=FAIL
		status=3
	fi
	echo "$set: lyo serve ready in $ready s; model rebuild (training on the whole event log, $how) $secs s," \
		"target < $REBUILD_TARGET s: $verdict; resident memory after it, idle: $(rss_mib "$SPID") MiB"
	measure "$set" "${sizes[0]}" "$p99" "$rps"
	kill "$SPID"
	wait "$SPID" 2>/dev/null || true
done

if [ -z "${LYO_TEST_POSTGRES_URL:-}" ] || [ -z "${LYO_TEST_REDIS_URL:-}" ]; then
	echo
	echo "LYO_TEST_POSTGRES_URL and LYO_TEST_REDIS_URL are not both set: no two-node measurement" >&2
	exit "$status"
fi
echo
pgdb="lyo_feed_bench_$$"
redis_prefix="lyobench:feed:$$:"
psql "$LYO_TEST_POSTGRES_URL" -qXc "CREATE DATABASE $pgdb" >/dev/null
pgurl=$(printf '%s' "$LYO_TEST_POSTGRES_URL" | sed -E "s#^(postgres(ql)?://[^/]*/)[^?]*#\1$pgdb#")
seed "ml100k on PostgreSQL" 943 1682 100000 LYO_DATABASE_URL="$pgurl" LYO_DATA_DIR="$tmp/pg-seed"
shared=(LYO_DATABASE_URL="$pgurl" LYO_REDIS_URL="$LYO_TEST_REDIS_URL" LYO_REDIS_PREFIX="$redis_prefix")
serve node-a LYO_DATA_DIR="$tmp/pg-a" "${shared[@]}"
url_a=$SURL
serve node-b LYO_DATA_DIR="$tmp/pg-b" "${shared[@]}"
url_b=$SURL
secs=$(trained "$url_a" "$url_b")
sleep 12
echo "two nodes on one PostgreSQL and one Redis, ml100k: model rebuild $secs s; load average $(loadavg)"
rc=0
"$tmp/feed" -mode lag -url "$url_a" -read "$url_b" -learners "$TRIALS" -of 943 -trials "$TRIALS" -label "two nodes" || rc=$?
if [ "$rc" = 3 ]; then status=3; elif [ "$rc" != 0 ]; then exit "$rc"; fi
exit "$status"
