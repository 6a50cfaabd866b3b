#!/bin/sh
# Debian's Chromium (and a CJK font, so Chinese pages render) for the dashboard's end-to-end
# tests (tests/e2e). Idempotent: does nothing when /usr/bin/chromium is already there.
set -eu

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "The dashboard tests need Debian's chromium: run 'apt-get install chromium fonts-wqy-microhei' as root (neither root nor sudo is available here)." >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "The dashboard tests need Chromium at /usr/bin/chromium: install it with your system's package manager (apt-get was not found)." >&2
    exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei
