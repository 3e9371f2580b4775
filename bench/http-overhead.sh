#!/usr/bin/env bash
# What Lyo's full HTTP stack costs on its cheapest route. Serves GET /healthz from
# `lyo serve` (every middleware, the router, the error adapter) and from a bare
# net/http server (bench/bare) in the same run, loads each in turn with wrk over
# loopback, and prints req/s, p99 and the lyo/bare throughput ratio, plus the
# resident memory of `lyo serve` idle and after load.
#
# Targets: lyo keeps >= 70% of the bare throughput (with LYO_LOG_LEVEL=error; a
# second lyo at info shows what the access log costs), and idle RSS < 40 MiB.
# Exit status: 0 all targets met, 3 a target missed, anything else an error.
#
# Knobs (environment): DURATION (10s) per measured run, WARMUP (2s) per server,
# ROUNDS (2), THREADS (2), CONNS (32), IDLE_WAIT (3, seconds before idle RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
IDLE_WAIT=${IDLE_WAIT:-3}
RATIO_TARGET=70 # percent of bare req/s
RSS_TARGET=40   # MiB, idle

if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing wrk with apt-get" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
	else
		echo "wrk is missing: install it (sudo apt-get install wrk, or brew install wrk) and run again" >&2
		exit 1
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-bench.XXXXXX")
pids=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tags=""
if pkg-config --exists vips 2>/dev/null; then tags=vips; fi
echo "building lyo (tags: ${tags:-none}) and bench/bare" >&2
go build -tags "$tags" -o "$tmp/lyo" ./cmd/lyo
go build -o "$tmp/bare" ./bench/bare

# shellcheck source=bench/lib.sh
. bench/lib.sh

declare -A PID URL LOG
servers=(bare lyo lyo-info) # lyo runs at LYO_LOG_LEVEL=error, lyo-info at info

start() { # name level
	local name=$1 level=$2 port
	port=$(free_port)
	LOG[$name]=$tmp/$name.log
	if [ "$name" = bare ]; then
		"$tmp/bare" -addr "127.0.0.1:$port" >>"${LOG[$name]}" 2>&1 &
	else
		mkdir -p "$tmp/$name-data"
		# env -i: the embedded defaults (SQLite, local disk), whatever LYO_* the caller has set.
		env -i PATH="$PATH" HOME="$HOME" \
			LYO_DATA_DIR="$tmp/$name-data" LYO_HTTP_ADDR="127.0.0.1:$port" LYO_LOG_LEVEL="$level" \
			"$tmp/lyo" serve >>"${LOG[$name]}" 2>&1 &
	fi
	PID[$name]=$!
	pids+=("$!")
	URL[$name]=http://127.0.0.1:$port/healthz
}

wait_ready() { # name probe-url
	local name=$1 url=$2
	for _ in $(seq 300); do
		if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return; fi
		if ! kill -0 "${PID[$name]}" 2>/dev/null; then
			echo "$name stopped before it was ready:" >&2
			tail -n 20 "${LOG[$name]}" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "$name was not ready after 30s" >&2
	exit 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

start bare -
start lyo error
start lyo-info info
wait_ready bare "${URL[bare]}"
wait_ready lyo "${URL[lyo]%/healthz}/readyz"
wait_ready lyo-info "${URL[lyo-info]%/healthz}/readyz"

sleep "$IDLE_WAIT"
declare -A IDLE AFTER
for s in "${servers[@]}"; do IDLE[$s]=$(rss_kib "${PID[$s]}"); done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime
hz=$(getconf CLK_TCK)

# measure name duration: one wrk run, its figures left in M_RPS, M_P99 (ms) and
# M_CPU (the server's CPU time per request, in µs: less sensitive than req/s to how
# the cores happened to be shared).
measure() {
	local name=$1 d=$2 out bad reqs t0 t1
	[ "$name" = lyo-info ] && : >"${LOG[$name]}" # the access log grows fast; keep the disk bounded
	t0=$(cpu_ticks "${PID[$name]}")
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$d" --latency "${URL[$name]}")
	t1=$(cpu_ticks "${PID[$name]}")
	bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
	if [ -n "$bad" ]; then
		echo "$name answered $bad requests with an error status; the run is void:" >&2
		printf '%s\n' "$out" >&2
		exit 1
	fi
	if grep -q 'Socket errors:' <<<"$out"; then
		echo "note: wrk saw socket errors against $name: $(grep 'Socket errors:' <<<"$out")" >&2
	fi
	M_RPS=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	reqs=$(awk '/ requests in / {print $1}' <<<"$out")
	M_P99=$(awk '$1 == "99%" {
		v = $2
		if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v) }
		else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
		printf "%.2f", v
	}' <<<"$out")
	if [ -z "$M_RPS" ] || [ -z "$M_P99" ] || [ -z "$reqs" ] || [ "$reqs" = 0 ]; then
		echo "could not read wrk's output for $name:" >&2
		printf '%s\n' "$out" >&2
		exit 1
	fi
	M_CPU=$(awk -v t="$((t1 - t0))" -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
}

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
echo "lyo at $commit, $(go env GOVERSION), $(nproc) cores ($cpu), $(wrk --version 2>&1 | head -n1 | awk '{print $1, $2}')"
# How busy the cores were with other work just before: the servers share them with
# wrk, and whatever else runs lowers both figures, unevenly.
busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }
read -r b0 i0 < <(busy)
sleep 1
read -r b1 i1 < <(busy)
other=$(awk -v b=$((b1 - b0)) -v i=$((i1 - i0)) 'BEGIN {printf "%.0f", 100 * b / (b + i)}')
echo "cores busy with other work in the second before the run: $other%"
if [ "$other" -gt 20 ]; then echo "warning: the machine is busy; expect lower, noisier figures" >&2; fi
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency, $ROUNDS rounds after a $WARMUP warm-up each; wrk and the servers share the cores"
echo

for s in "${servers[@]}"; do measure "$s" "$WARMUP"; done

declare -A BEST_RPS BEST_P99 MIN_CPU
printf '%-6s %-9s %10s %10s %12s\n' round server req/s p99 "CPU us/req"
for r in $(seq "$ROUNDS"); do
	for s in "${servers[@]}"; do
		measure "$s" "$DURATION"
		printf '%-6s %-9s %10.0f %8.2fms %12s\n' "$r" "$s" "$M_RPS" "$M_P99" "$M_CPU"
		if [ -z "${BEST_RPS[$s]:-}" ] || awk -v a="$M_RPS" -v b="${BEST_RPS[$s]}" 'BEGIN {exit !(a > b)}'; then
			BEST_RPS[$s]=$M_RPS
			BEST_P99[$s]=$M_P99
		fi
		if [ -z "${MIN_CPU[$s]:-}" ] || awk -v a="$M_CPU" -v b="${MIN_CPU[$s]}" 'BEGIN {exit !(a < b)}'; then
			MIN_CPU[$s]=$M_CPU
		fi
	done
done
for s in "${servers[@]}"; do AFTER[$s]=$(rss_kib "${PID[$s]}"); done
log_lines=$(wc -l <"${LOG[lyo-info]}")

echo
echo "per server: the round with the highest req/s and its p99; the lowest CPU time per request of its rounds"
printf '%-9s %-9s %10s %10s %12s %10s %11s\n' server log-level req/s p99 "CPU us/req" "idle RSS" "RSS after"
for s in "${servers[@]}"; do
	level=-
	case $s in lyo) level=error ;; lyo-info) level=info ;; esac
	printf '%-9s %-9s %10.0f %8.2fms %12s %6s MiB %7s MiB\n' "$s" "$level" "${BEST_RPS[$s]}" "${BEST_P99[$s]}" \
		"${MIN_CPU[$s]}" "$(mib "${IDLE[$s]}")" "$(mib "${AFTER[$s]}")"
done
echo

status=0
verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }
ratio=$(awk -v a="${BEST_RPS[lyo]}" -v b="${BEST_RPS[bare]}" 'BEGIN {printf "%.1f", 100 * a / b}')
ratio_info=$(awk -v a="${BEST_RPS[lyo-info]}" -v b="${BEST_RPS[bare]}" 'BEGIN {printf "%.1f", 100 * a / b}')
idle=$(mib "${IDLE[lyo]}")
v=$(verdict "$ratio >= $RATIO_TARGET")
[ "$v" = FAIL ] && status=3
echo "lyo/bare throughput, log level error: $ratio%  (target >= $RATIO_TARGET%)  $v"
echo "lyo/bare throughput, log level info:  $ratio_info%  (not judged: the access-log cost; $log_lines lines in the last run's log)"
cpu_ratio=$(awk -v a="${MIN_CPU[bare]}" -v b="${MIN_CPU[lyo]}" 'BEGIN {printf "%.1f", 100 * a / b}')
echo "bare/lyo CPU per request, log level error: $cpu_ratio%  (not judged: roughly the throughput ratio if the server had cores of its own)"
v=$(verdict "$idle < $RSS_TARGET")
[ "$v" = FAIL ] && status=3
echo "idle RSS of lyo serve: $idle MiB  (target < $RSS_TARGET MiB)  $v"
exit "$status"
