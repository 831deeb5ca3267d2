#!/usr/bin/env bash
# Makes sure Dawn finds a Vulkan adapter. Idempotent: does nothing when one is already found.
# Without a GPU it installs Mesa's software driver lavapipe: Debian 12's own Mesa 22.3 is rejected
# by Dawn ("Vulkan shaderUniform*ArrayDynamicIndexing required"), so on bookworm it takes Mesa 25
# from bookworm-backports. Run from the project root after `npm ci`, as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

probe() { node scripts/probe-adapter.mjs 2>/dev/null; }

if [ ! -d node_modules/webgpu ]; then
  echo "setup-vulkan: run 'npm install' first (the probe needs the webgpu package)" >&2
  exit 1
fi
if probe; then exit 0; fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
. /etc/os-release 2>/dev/null || true
if ! command -v apt-get >/dev/null || ! as_root true 2>/dev/null; then
  cat >&2 <<MSG
setup-vulkan: no WebGPU adapter, and I can only install one on Debian/Ubuntu as root.
Install a Vulkan driver yourself: your GPU vendor's driver, or Mesa's lavapipe (Mesa >= 23,
package mesa-vulkan-drivers) plus the Vulkan loader (libvulkan1), then run this again.
MSG
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
target=()
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" | as_root tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  target=(-t bookworm-backports)
fi
echo "setup-vulkan: installing libvulkan1 and mesa-vulkan-drivers ${target[*]:-}"
as_root apt-get update -qq
as_root apt-get install -y -qq "${target[@]}" libvulkan1 mesa-vulkan-drivers >/dev/null
if probe; then exit 0; fi
echo "setup-vulkan: the driver is installed but Dawn still finds no adapter (see: node scripts/probe-adapter.mjs)" >&2
exit 1
