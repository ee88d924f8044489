#!/usr/bin/env bash
# Measures the wall time of `backlog claim --json` on a warm H2 file (the CLI start-up target:
# median <= 0.5 s) and prints every run and the median, for three set-ups:
#   launcher   ./backlog as shipped (AppCDS archive, C1 only, serial GC)
#   no-cds     ./backlog with class-data sharing switched off
#   plain      java -jar backlog.jar with no tuning
# Usage: backlog-cli/measure-startup.sh [RUNS]   (default 11). Reports only; asserts nothing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
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

# One timed run: prints "wall_ms cpu_ms" (cpu = user + sys of the process, from GNU time when present).
timed() {
  local start end cpu=0 out="$home/time.out"
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -o "$out" -f "%U %S" "$@" >/dev/null
    cpu=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$out")
  else
    "$@" >/dev/null
  fi
  end=$(date +%s%N)
  echo "$(((end - start) / 1000000)) $cpu"
}

declare -A wall cpu
labels=(launcher no-cds plain)
# Round-robin over the set-ups so that a change in machine load affects all of them alike.
for i in $(seq 1 "$runs"); do
  for label in "${labels[@]}"; do
    case "$label" in
      launcher) r=$(timed "$root/backlog" claim --owner "l-$i" --json) ;;
      no-cds) r=$(BACKLOG_JAVA_OPTS="-Xshare:off" timed "$root/backlog" claim --owner "n-$i" --json) ;;
      plain) r=$(timed "$java" -jar "$root/backlog-cli/target/backlog.jar" claim --owner "p-$i" --json) ;;
    esac
    wall[$label]+="${r% *} "
    cpu[$label]+="${r#* } "
  done
done

echo "backlog claim --json on a warm H2 file, $runs runs each ($(nproc) cores, load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?'), $("$java" -version 2>&1 | head -1))"
for label in "${labels[@]}"; do
  printf '%-9s median wall %5d ms  median cpu %5d ms   wall runs: %s\n' "$label" \
    "$(tr ' ' '\n' <<<"${wall[$label]}" | grep . | median_of)" \
    "$(tr ' ' '\n' <<<"${cpu[$label]}" | grep . | median_of)" "${wall[$label]}"
done
