#!/usr/bin/env bash
# `npm start`: build the page and serve it on 127.0.0.1 (open it in Chrome 113+ or
# Chromium with --enable-unsafe-webgpu).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

PORT="${PORT:-5173}"
npx vite build
echo "sam-sde page: http://127.0.0.1:${PORT}/  (Ctrl-C to stop)"
exec npx vite preview --host 127.0.0.1 --port "$PORT" --strictPort
