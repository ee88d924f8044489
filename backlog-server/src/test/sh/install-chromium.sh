#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver when they are missing, for the board's browser
# tests. Runs apt-get only as root (or through passwordless sudo); prints why when it cannot.
set -euo pipefail
if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium and chromedriver are missing and apt-get is not available; install them so that" \
    "/usr/bin/chromium and /usr/bin/chromedriver exist" >&2
  exit 1
fi
run=()
if [[ $(id -u) -ne 0 ]]; then
  if sudo -n true 2>/dev/null; then
    run=(sudo -n)
  else
    echo "chromium and chromedriver are missing; run as root: apt-get install -y chromium chromium-driver" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -q >&2 || true
"${run[@]}" apt-get install -y -q chromium chromium-driver >&2
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]
