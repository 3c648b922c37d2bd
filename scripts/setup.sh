#!/usr/bin/env bash
# One-time setup on a fresh Debian machine (idempotent, quick when everything is there):
# Debian's Chromium (browser and e2e tests, code-server's workbench), libkrb5-dev (code-server's
# kerberos module builds against it), ripgrep (seeds @vscode/ripgrep, which would otherwise download
# rg from GitHub), a font for screenshots; then `npm ci` and code-server 4.100.3 into its cache
# (~/.cache/activation-lens, outside node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
# The "Check with PyTorch" tests run Debian's torch (large: only when /usr/bin/python3 lacks it).
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(python3-torch)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || need+=(python3-numpy)
/usr/bin/python3 -c 'import torchvision' >/dev/null 2>&1 || need+=(python3-torchvision)
if [ ${#need[@]} -gt 0 ]; then
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
node scripts/code-server.mjs install
