#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a downloaded browser build).
set -euo pipefail
if [ -x /usr/bin/chromium ] || { [ -n "${DSCALC_CHROMIUM:-}" ] && [ -x "${DSCALC_CHROMIUM}" ]; }; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
cat >&2 <<'MSG'
The browser tests need Chromium at /usr/bin/chromium.
  On Debian/Ubuntu:  sudo apt-get install -y chromium
  Elsewhere: set DSCALC_CHROMIUM=/path/to/chromium before `make test`.
MSG
exit 1
