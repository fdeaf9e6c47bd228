#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages wirelab needs, only those that are missing.
#   scripts/install-deps.sh run    what building and running needs
#   scripts/install-deps.sh test   plus what the tests use (a real Chromium as a WebSocket peer)
set -euo pipefail
mode=${1:-run}

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust 1.95 or newer (https://rustup.rs), then run make again." >&2
  exit 1
fi

# libgtk-3-dev: the system's file dialog (rfd's GTK 3 backend; `--no-default-features` drops it).
packages=(pkg-config libpcap-dev libgtk-3-dev)
if [ "$mode" = test ] && ! command -v chromium >/dev/null 2>&1 \
    && ! command -v chromium-browser >/dev/null 2>&1; then
  # Debian calls the browser `chromium`, Ubuntu `chromium-browser`.
  if apt-cache show chromium >/dev/null 2>&1 || ! apt-cache show chromium-browser >/dev/null 2>&1; then
    packages+=(chromium)
  else
    packages+=(chromium-browser)
  fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install these packages with your system's package manager: ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
echo "Installing: ${missing[*]}"
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
