#!/usr/bin/env bash
# Loading a synthetic data set with `lyo seed --synthetic` (10k learners, 100k
# items, 1M events by default) into an empty SQLite file, and into an empty
# PostgreSQL database when LYO_TEST_POSTGRES_URL is set (the script creates it
# with psql and drops it after). Before the loads it times generation alone
# (`--export /dev/null`), the baseline a load cannot beat. For each run: wall
# time, events/s over the whole load, lyo's CPU time and peak resident memory.
# Targets: a load takes at most 5 minutes; peak memory stays under 500 MiB.
#
# Exit status: 0 every target met, 3 a target missed, anything else an error.
# Knobs (environment): LEARNERS (10000), ITEMS (100000), EVENTS (1000000),
# SEED (42), WORKERS (empty: lyo's default).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3

LEARNERS=${LEARNERS:-10000}
ITEMS=${ITEMS:-100000}
EVENTS=${EVENTS:-1000000}
SEED=${SEED:-42}
NOW=2026-11-01T12:00:00Z # fixed, so every run loads the same data
MAX_SECONDS=300
MAX_RSS_KIB=$((500 * 1024))

if [ ! -x /usr/bin/time ]; then
	echo "bench/seed.sh needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-seed.XXXXXX")
pgdb=""
cleanup() {
	if [ -n "$pgdb" ]; then psql "$LYO_TEST_POSTGRES_URL" -qXc "DROP DATABASE IF EXISTS $pgdb" >/dev/null 2>&1 || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/lyo" ./cmd/lyo

commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
echo "lyo at $commit, $(go env GOVERSION), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lyo seed --synthetic --learners $LEARNERS --items $ITEMS --events $EVENTS --seed $SEED --now $NOW"

args=(seed --synthetic --learners "$LEARNERS" --items "$ITEMS" --events "$EVENTS" --seed "$SEED" --now "$NOW")
if [ -n "${WORKERS:-}" ]; then args+=(--workers "$WORKERS"); fi

# run NAME ENV... -- measures one lyo run; the environment is only what it is given.
status=0
printf '%-10s %9s %10s %9s %10s  %s\n' run seconds events/s "CPU s" "peak RSS" verdict
run() {
	local name=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" env -i PATH="$PATH" HOME="$tmp" "${envs[@]}" \
		"$tmp/lyo" "$@" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err" >&2; exit 1; }
	read -r wall user sys rss <"$tmp/time"
	local verdict="PASS"
	if [ "$name" != generate ]; then
		if ! grep -q "$EVENTS of $EVENTS events accepted" "$tmp/out"; then
			cat "$tmp/out" >&2
			echo "$name: not every event was accepted" >&2
			exit 1
		fi
		if awk -v w="$wall" -v m="$MAX_SECONDS" 'BEGIN { exit !(w > m) }' || [ "$rss" -gt "$MAX_RSS_KIB" ]; then
			verdict="FAIL"
			status=3
		fi
	else
		verdict="-"
	fi
	printf '%-10s %9.1f %10.0f %9.1f %7.0f MiB  %s\n' "$name" "$wall" "$(awk -v e="$EVENTS" -v w="$wall" 'BEGIN { print e / w }')" \
		"$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$((rss / 1024))" "$verdict"
}

common=(LYO_LOG_LEVEL=warn LYO_PASSWORD_MEMORY_KIB=19456 LYO_PASSWORD_ITERATIONS=2)
run generate "${common[@]}" LYO_DATA_DIR="$tmp/none" -- "${args[@]}" --export /dev/null
run sqlite "${common[@]}" LYO_DATA_DIR="$tmp/sqlite" -- "${args[@]}"
if [ -n "${LYO_TEST_POSTGRES_URL:-}" ]; then
	pgdb="lyo_seed_bench_$$"
	psql "$LYO_TEST_POSTGRES_URL" -qXc "CREATE DATABASE $pgdb" >/dev/null
	pgurl=$(printf '%s' "$LYO_TEST_POSTGRES_URL" | sed -E "s#^(postgres(ql)?://[^/]*/)[^?]*#\1$pgdb#")
	run postgres "${common[@]}" LYO_DATABASE_URL="$pgurl" LYO_DATA_DIR="$tmp/pg" -- "${args[@]}"
else
	echo "LYO_TEST_POSTGRES_URL is not set: measured SQLite only" >&2
fi
echo "targets: a load in at most ${MAX_SECONDS}s, peak RSS under $((MAX_RSS_KIB / 1024)) MiB; events/s is over the whole load (catalogue and accounts included)"
exit "$status"
