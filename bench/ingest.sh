#!/usr/bin/env bash
# Event ingestion end to end over HTTP against the same events written straight
# through the store, in the same run (bench/ingest): events/s of both, their
# ratio (target: HTTP keeps >= 50%), HTTP >= 20,000 events/s, and the p99 of a
# 100-event batch. SQLite always; PostgreSQL too when LYO_TEST_POSTGRES_URL is
# set (each phase creates a database of its own there and drops it after).
#
# Exit status: 0 every target met, 3 a target missed, anything else an error.
# Knobs (environment): EVENTS (200000) per phase, BATCH (500), CLIENTS (4),
# P99_EVENTS (50000) for the 100-event-batch run, ROUNDS (1), and ARGS for any
# other flag of bench/ingest (e.g. ARGS='-cpuprofile /tmp/ingest.pprof').
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3

EVENTS=${EVENTS:-200000}
BATCH=${BATCH:-500}
CLIENTS=${CLIENTS:-4}
P99_EVENTS=${P99_EVENTS:-50000}
ROUNDS=${ROUNDS:-1}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-ingest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ingest" ./bench/ingest

engines=(sqlite)
if [ -n "${LYO_TEST_POSTGRES_URL:-}" ]; then
	engines+=(postgres)
else
	echo "LYO_TEST_POSTGRES_URL is not set: measuring SQLite only" >&2
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
echo "lyo at $commit"

status=0
for engine in "${engines[@]}"; do
	rc=0
	# shellcheck disable=SC2086 # ARGS is a list of flags
	"$tmp/ingest" -engine "$engine" -events "$EVENTS" -batch "$BATCH" -clients "$CLIENTS" \
		-p99-events "$P99_EVENTS" -rounds "$ROUNDS" ${ARGS:-} || rc=$?
	case $rc in
	0) ;;
	3) status=3 ;;
	*) exit "$rc" ;;
	esac
	echo
done
exit "$status"
