#!/usr/bin/env bash
# Measures the wall time of `backlog claim --json` on a warm H2 file (the CLI start-up target:
# median <= 0.5 s) and prints every run and the median, for three set-ups:
#   launcher   ./backlog as shipped (AppCDS archive, C1 only, serial GC)
#   no-cds     ./backlog with class-data sharing switched off
#   plain      java -jar backlog.jar with no tuning
# Usage: examples/cli/measure-startup.sh [RUNS]   (default 11). Reports only; asserts nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
runs="${1:-11}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
home="$(mktemp -d "${TMPDIR:-/tmp}/backlog-startup.XXXXXX")"
trap 'rm -rf "$home"' EXIT
export BACKLOG_HOME="$home"
unset BACKLOG_DB_URL
cd "$home"

# Build (if needed), create the H2 file and enough claimable cards for every run.
plan="$home/plan.jsonl"
for i in $(seq 1 $((runs * 3 + 3))); do
  echo "{\"id\":\"M$i\",\"title\":\"measured card $i\"}"
done >"$plan"
"$root/backlog" import "$plan" >/dev/null
"$root/backlog" claim --owner warm-up --json >/dev/null

median_of() {
  sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'
}

measure() {
  local label="$1"; shift
  local times=() i start end
  for i in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    "$@" claim --owner "$label-$i" --json >/dev/null
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%-9s median %4d ms   runs: %s\n' "$label" "$(printf '%s\n' "${times[@]}" | median_of)" "${times[*]}"
}

echo "backlog claim --json on a warm H2 file, $runs runs each ($(nproc) cores, $("$java" -version 2>&1 | head -1))"
measure launcher "$root/backlog"
BACKLOG_JAVA_OPTS="-Xshare:off" measure no-cds "$root/backlog"
measure plain "$java" -jar "$root/examples/cli/target/backlog.jar"
