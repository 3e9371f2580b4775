#!/usr/bin/env bash
# Image processing: a generated 12 MP JPEG to Lyo's default preset set (150, 480
# and 1080 px wide, each in WebP and JPEG) through Lyo's libvips pipeline
# (internal/media/imaging) against vipsthumbnail making the same six variants,
# in the same run (bench/imaging). Target: Lyo within 1.3x of vipsthumbnail's
# time, its process start-up taken off.
#
# Exit status: 0 the target met, 3 missed, anything else an error.
# Knobs (environment): ROUNDS (5), SRC (a JPEG of your own instead of the
# generated one), ARGS for any other flag of bench/imaging.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
. scripts/env.sh

ROUNDS=${ROUNDS:-5}

if [ "$LYO_TAGS" != "vips" ]; then
	echo "libvips is not installed (pkg-config vips): run scripts/deps, then this again" >&2
	exit 1
fi
if ! command -v vipsthumbnail >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing vipsthumbnail (libvips-tools) with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvips-tools >/dev/null ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvips-tools >/dev/null; }
	else
		echo "vipsthumbnail is missing: install it (sudo apt-get install libvips-tools) and run again" >&2
		exit 1
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lyo-imaging.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -tags vips -o "$tmp/imaging" ./bench/imaging

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "an unknown commit")
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
echo "lyo at $commit, $(go env GOVERSION), libvips $(pkg-config --modversion vips), $(nproc) cores ($cpu)"
echo "load before the run:$(uptime | sed 's/.*load average://')"

args=(-rounds "$ROUNDS")
if [ -n "${SRC:-}" ]; then args+=(-src "$SRC"); fi
# shellcheck disable=SC2086 # ARGS is a list of flags
"$tmp/imaging" "${args[@]}" ${ARGS:-}
