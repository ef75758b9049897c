#!/usr/bin/env bash
# Installs what Airlock's tests and demo need on a fresh Debian/Ubuntu machine: bubblewrap, socat
# and ripgrep (the CLI's OS sandbox), getcap/setcap (the privileged-file check and its tests),
# python3 (the attack suite's interpreter attacks), then the npm dependencies (including the
# pinned claude CLI).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in bwrap socat rg git getcap setcap python3; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq bubblewrap socat ripgrep git libcap2-bin python3 >/dev/null
fi
npm ci --no-audit --no-fund
