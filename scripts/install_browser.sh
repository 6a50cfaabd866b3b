#!/bin/sh
# Debian's Chromium (and a CJK font, so Chinese pages render) for the dashboard's end-to-end
# tests (tests/e2e). Idempotent: does nothing when /usr/bin/chromium is already there.
exec "$(dirname "$0")/apt_install.sh" /usr/bin/chromium "The dashboard tests" \
    chromium fonts-wqy-microhei
