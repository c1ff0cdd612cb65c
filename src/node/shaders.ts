// The WGSL sources in Node: read from the package's shaders/ folder (the page gets the same
// files through Vite's import.meta.glob in web/shaders.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import type { ShaderSources } from '../gpu/compose.js';

export const SHADER_DIR = fileURLToPath(new URL('../../shaders/', import.meta.url));

let cached: ShaderSources | undefined;

export function loadShaderSources(dir = SHADER_DIR): ShaderSources {
  if (cached && dir === SHADER_DIR) return cached;
  const sources: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.wgsl')) sources[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  if (dir === SHADER_DIR) cached = sources;
  return sources;
}
