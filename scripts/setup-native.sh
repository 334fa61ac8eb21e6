#!/usr/bin/env bash
# Makes sure TorchSharp's native shim can load: it needs libstdc++ with GLIBCXX_3.4.32.
# Debian 12 ships libstdc++ 12 (up to GLIBCXX_3.4.30); there we take libstdc++6 from the
# trixie suite, pinned at priority 100 so nothing else is upgraded from it by accident.
# The mirror is the one this machine's apt sources already use: no host name is written here.
# Idempotent and silent when there is nothing to do (Ubuntu 24.04+, Debian 13, or already fixed).
set -euo pipefail

need=GLIBCXX_3.4.32

libstdcxx_path() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}'
}

has_symbol() {
  local lib
  lib=$(libstdcxx_path)
  [ -n "$lib" ] && grep -aq "$need" "$lib"
}

has_symbol && exit 0

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
  echo "adversa setup: $(libstdcxx_path || echo libstdc++.so.6) lacks $need, which TorchSharp 0.107 needs." >&2
  echo "adversa setup: automatic repair is only done on Debian 12; install libstdc++6 from GCC 13 or newer." >&2
  exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Take the mirror URI from the existing deb822 source (or a one-line source as a fallback).
uri=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
  echo "adversa setup: no Debian mirror URI found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list" >&2
  exit 1
fi

echo "adversa setup: installing libstdc++6 from trixie (mirror from this machine's apt sources) for $need"
as_root tee /etc/apt/sources.list.d/adversa-trixie.sources >/dev/null <<SRC
Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
as_root tee /etc/apt/preferences.d/adversa-trixie >/dev/null <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq -t trixie libstdc++6 >/dev/null
as_root ldconfig
if ! has_symbol; then
  echo "adversa setup: libstdc++6 from trixie was installed but $need is still missing" >&2
  exit 1
fi
echo "adversa setup: done ($(libstdcxx_path) now provides $need)"
