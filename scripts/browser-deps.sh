#!/usr/bin/env bash
# Install the system Chromium used by the browser tests (Playwright drives /usr/bin/chromium;
# no browser is ever downloaded by Playwright itself), and a CJK font so screenshots of the
# Chinese UI are readable. Idempotent: does nothing when both are present.
set -euo pipefail
have_font() { fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; }
if [ -x /usr/bin/chromium ] && have_font; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-zenhei
/usr/bin/chromium --version
