// Files the suite reads at run time: the WGSL sources, the data sets and the numpy peer's
// script. In the device bundle (bench/bundle.mjs) this module is replaced by one with all of
// them embedded, since the lent GPU machine has only the bundle and dawn.node.
import { readFileSync } from 'node:fs';
import type { ShaderSources } from '../src/gpu/compose.js';
import { registerNodeDatasets } from '../src/node/datasets.js';
import { loadShaderSources } from '../src/node/shaders.js';

export function shaderSources(): ShaderSources {
  return loadShaderSources();
}

/** Makes data/*.csv available to the network problems (src/problems/data.ts). */
export function registerDatasets(): void {
  registerNodeDatasets();
}

export function numpyPeerScript(): string {
  return readFileSync(new URL('./peers/numpy_peer.py', import.meta.url), 'utf8');
}

/** True in the bundle: nothing is installed there (no package registry on the device). */
export const BUNDLED = false;
