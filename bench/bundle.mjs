// `npm run bench:bundle [-- OUTFILE]`: the suite as ONE self-contained ES module (default
// dist/bench.mjs) for a machine that has Node and dawn.node but nothing else: 'webgpu' stays
// external; bench/assets.ts is replaced by a generated module that embeds shaders/**/*.wgsl,
// data/*.csv and the numpy peer's script. Then, for a lent GPU:
//   ../shared/device-run.sh prepare dist/bench.mjs
// and run the printed command there; the bundle writes results.json/.md under $OUT.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = resolve(root, process.argv[2] ?? 'dist/bench.mjs');

function filesUnder(dir, suffix) {
  const out = {};
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(suffix)) out[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function assetsModule() {
  const shaders = filesUnder(join(root, 'shaders'), '.wgsl');
  const data = filesUnder(join(root, 'data'), '.csv');
  const peer = readFileSync(join(root, 'bench/peers/numpy_peer.py'), 'utf8');
  const dataModule = JSON.stringify(join(root, 'src/problems/data.ts'));
  return `
import { DATASET_NAMES, DATASETS, hasDataset, provideDatasetText } from ${dataModule};
const SHADERS = Object.freeze(${JSON.stringify(shaders)});
const DATA_FILES = ${JSON.stringify(data)};
export function shaderSources() { return SHADERS; }
export function registerDatasets() {
  for (const name of DATASET_NAMES) {
    const text = DATA_FILES[DATASETS[name].file];
    if (text !== undefined && !hasDataset(name)) provideDatasetText(name, text);
  }
}
export function numpyPeerScript() { return ${JSON.stringify(peer)}; }
export const BUNDLED = true;
`;
}

const embedAssets = {
  name: 'embed-bench-assets',
  setup(b) {
    const assets = join(root, 'bench/assets.js');
    b.onResolve({ filter: /(^|\/)assets\.js$/ }, (args) =>
      (resolve(args.resolveDir, args.path) === assets ? { path: 'bench-assets', namespace: 'bench-assets' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'bench-assets' }, () => ({ contents: assetsModule(), loader: 'ts', resolveDir: join(root, 'bench') }));
  },
};

const result = await build({
  entryPoints: [join(root, 'bench/run.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu'],
  plugins: [embedAssets],
  // CommonJS dependencies inside an ES module bundle need `require`.
  banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const bytes = statSync(outfile).size;
const inputs = Object.keys(result.metafile.inputs).length;
process.stdout.write(`wrote ${relative(process.cwd(), outfile)} (${(bytes / 1024).toFixed(0)} KiB, ${inputs} inputs, webgpu external)\n`);
