#!/bin/sh
# Usage: apt_install.sh PATH WHO PACKAGE...
# Installs Debian PACKAGEs with apt-get (as root, or through sudo) unless PATH already exists;
# WHO (e.g. "The reads benchmark") names what needs them in the error when that is impossible.
set -eu

path=$1
who=$2
shift 2
if [ -x "$path" ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "$who needs $path: run 'apt-get install $*' as root (neither root nor sudo is available here)." >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$who needs $path: install $* with your system's package manager (apt-get was not found)." >&2
    exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@"
