// The WGSL sources in the browser, bundled at build time. Keys are paths relative to
// shaders/ ("threefry.wgsl", "problems/quadratic.wgsl"): the same keys that
// src/node/shaders.ts produces, so composeShader() sees one source map on both sides.
import type { ShaderSources } from '../src/gpu/compose.js';

const PREFIX = '../shaders/';

const modules = import.meta.glob<string>('../shaders/**/*.wgsl', { query: '?raw', import: 'default', eager: true });

function normalise(files: Record<string, string>): ShaderSources {
  const sources: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) {
    if (!path.startsWith(PREFIX)) throw new Error(`web/shaders.ts: unexpected shader path ${path}`);
    sources[path.slice(PREFIX.length)] = text;
  }
  return sources;
}

export const shaderSources: ShaderSources = normalise(modules);
