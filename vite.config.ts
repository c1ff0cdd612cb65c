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
    // One bundle of ~670 kB (230 kB gzipped): Lit, zod, Observable Plot and the bundled data
    // sets; served from 127.0.0.1, so splitting it would buy nothing.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      // zod's sources carry /*#__PURE__*/ comments in places Rollup cannot use; it drops them
      // and warns on every build. Nothing to act on, so only that warning is silenced.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [projectRoot] },
  },
  preview: { host: '127.0.0.1' },
});
