#!/usr/bin/env bash
# The social-card images are drawn at build time with Debian's Noto Sans CJK (fonts-noto-cjk):
# installed from Debian's archive, never fetched from a font CDN.
set -euo pipefail
FONT=/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
if [ -f "$FONT" ] || { [ -n "${DSCALC_CJK_FONT:-}" ] && [ -f "${DSCALC_CJK_FONT}" ]; }; then
  exit 0
fi
if command -v apt-get >/dev/null; then
  if [ "$(id -u)" = "0" ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  if [ "$SUDO" != "none" ]; then
    echo "Installing Debian's fonts-noto-cjk for the social-card images..."
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-noto-cjk >/dev/null
    exit 0
  fi
fi
cat >&2 <<'MSG'
The social-card images need Noto Sans CJK Bold at /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc.
  On Debian/Ubuntu:  sudo apt-get install -y fonts-noto-cjk
  Elsewhere: set DSCALC_CJK_FONT=/path/to/NotoSansCJK-Bold.ttc (or another CJK font) before `make site`.
MSG
exit 1
