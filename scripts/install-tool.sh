#!/usr/bin/env bash
# Installs `adversa` on PATH as a .NET tool built from this checkout:
#   scripts/install-tool.sh                      # global: ~/.dotnet/tools/adversa (that folder must be on PATH)
#   scripts/install-tool.sh --tool-path DIR      # into DIR instead (DIR/adversa)
#   ... --no-build                               # pack what the last Release build left (tests use this)
# The package carries LibTorch for Linux, Windows and macOS (TorchSharp-cpu's natives): about 400 MB packed, 2 GB installed.
# Reinstalling replaces an earlier version. On Debian 12, scripts/setup-native.sh must have run once (./adversa does it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target=(--global); build=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tool-path) target=(--tool-path "$2"); shift 2 ;;
    --no-build) build=(--no-build); shift ;;
    *) echo "error: unknown option '$1' (options: --tool-path DIR, --no-build)" >&2; exit 2 ;;
  esac
done
bash "$here/scripts/setup-native.sh"
packages="$(mktemp -d)"
trap 'rm -rf "$packages"' EXIT
dotnet pack "$here/src/Adversa.Cli" -c Release -o "$packages" -nologo -v quiet "${build[@]}"
dotnet tool uninstall Adversa.Cli "${target[@]}" >/dev/null 2>&1 || true
dotnet tool install Adversa.Cli "${target[@]}" --add-source "$packages"
