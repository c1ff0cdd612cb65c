import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page lives in web/ but imports ../src (the host) and ../shaders (WGSL through
// import.meta.glob), so the dev server must be allowed to read the whole project.
const projectRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  // Relative asset URLs: the built page works from any folder (dist/web, a temp dir, a file share).
  base: './',
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    // WebGPU browsers (Chrome 113+) all run ES2022; top-level await and class fields stay native.
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [projectRoot] },
  },
  preview: { host: '127.0.0.1' },
});
