#!/usr/bin/env bash
# `npm start`: build the page and serve it on 127.0.0.1, printing its URL. Open it in Chrome or
# Edge 113+, or Chromium with --enable-unsafe-webgpu; pick an experiment and press Run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

PORT="${PORT:-5173}"
./node_modules/.bin/vite build --logLevel warn
URL="http://127.0.0.1:${PORT}/"
cat <<INFO

sam-sde page: ${URL}
  quick-size run:     ${URL}?experiment=validation-quadratic&quick=1
  the same, headless: npx sam-sde headless validation-quadratic --quick   (result.json + page.png in out/)
(Ctrl-C to stop)

INFO
# exec: Ctrl-C and kill reach the server itself, not an npm wrapper.
exec ./node_modules/.bin/vite preview --host 127.0.0.1 --port "$PORT" --strictPort
