# Shared install checks for scripts/test.sh and scripts/start.sh (sourced, not run).
# Leaves the shell in the repository root. Installs what is missing where it can (as root,
# as on the CI machines), and otherwise stops with the exact command to run.

SAM_SDE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SAM_SDE_ROOT"

# The same loader locations src/node/gpu.ts checks before it starts dawn.node.
sam_sde_has_vulkan_loader() {
  local lib
  for lib in /usr/lib/x86_64-linux-gnu/libvulkan.so.1 /usr/lib/aarch64-linux-gnu/libvulkan.so.1 /usr/lib/libvulkan.so.1; do
    [[ -e "$lib" ]] && return 0
  done
  return 1
}

# Chromium runs the page tests and ships SwiftShader (a CPU Vulkan) for machines without a GPU;
# libvulkan1 is the loader that dawn.node opens.
if [[ ! -x /usr/bin/chromium ]] || ! sam_sde_has_vulkan_loader; then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing chromium and libvulkan1 (WebGPU through SwiftShader)" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium libvulkan1
  else
    echo "setup: /usr/bin/chromium or libvulkan.so.1 is missing. Install them as root:" >&2
    echo "  apt-get update && apt-get install -y chromium libvulkan1" >&2
    exit 1
  fi
fi

if ! command -v npm >/dev/null; then
  echo "setup: Node.js 20+ with npm is required (https://nodejs.org, or apt-get install -y nodejs npm)." >&2
  exit 1
fi

# npm writes node_modules/.package-lock.json on every install: older than the lock file
# means the lock file changed since the last install.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies (npm ci)" >&2
  npm ci
fi
