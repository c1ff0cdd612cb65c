// The data sets of docs/model.md §5 (data/README.md): parsing, validation and
// standardisation, pure (no file system), so the CLI and the page share it. Where the text
// comes from is the entry points' business: src/node/datasets.ts reads data/*.csv, the page
// imports the same files with Vite's `?raw`; both hand them to provideDatasetText().

export type DatasetName = 'iris' | 'breast-cancer';

export interface DatasetInfo {
  name: DatasetName;
  /** File name under data/. */
  file: string;
  rows: number;
  features: number;
  /** Class names in label order (the header's names). */
  classes: readonly string[];
}

/** What each file must contain (data/README.md). */
export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  iris: { name: 'iris', file: 'iris.csv', rows: 150, features: 4, classes: ['setosa', 'versicolor', 'virginica'] },
  'breast-cancer': {
    name: 'breast-cancer', file: 'breast_cancer.csv', rows: 569, features: 30, classes: ['malignant', 'benign'],
  },
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

export interface Dataset extends DatasetInfo {
  /**
   * Features, rows × features row-major, standardised per column to zero mean and unit
   * population standard deviation (docs/model.md §5).
   */
  x: Float64Array;
  /** Class label of each row, 0 … classes-1. */
  labels: Uint32Array;
}

/** A malformed data file: names the file, the 1-based line and the problem. */
export class DatasetError extends Error {
  constructor(readonly file: string, readonly line: number, readonly problem: string) {
    super(`data/${file}:${line}: ${problem}`);
    this.name = 'DatasetError';
  }
}

/**
 * Parses, validates and standardises one data set. The header is `rows,features,class…`
 * and must match DATASETS; each data line holds `features` finite numbers and an integer
 * label; there must be exactly `rows` data lines (blank lines only at the end).
 * @throws DatasetError naming the file, the line and the problem.
 */
export function parseDataset(name: DatasetName, text: string): Dataset {
  const info = DATASETS[name];
  if (!info) throw new Error(`unknown data set "${name}" (known: ${DATASET_NAMES.join(', ')})`);
  const fail = (line: number, problem: string): never => { throw new DatasetError(info.file, line, problem); };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) fail(1, 'the file is empty');

  const header = lines[0].split(',').map((field) => field.trim());
  const expected = [String(info.rows), String(info.features), ...info.classes];
  if (header.length !== expected.length || header.some((field, i) => field !== expected[i])) {
    fail(1, `header "${lines[0]}": expected "${expected.join(',')}"`);
  }
  if (lines.length - 1 !== info.rows) {
    fail(lines.length, `${lines.length - 1} data lines: the header announces ${info.rows}`);
  }

  const d = info.features;
  const x = new Float64Array(info.rows * d);
  const labels = new Uint32Array(info.rows);
  for (let row = 0; row < info.rows; row++) {
    const line = row + 2;
    const fields = lines[row + 1].split(',');
    if (fields.length !== d + 1) fail(line, `${fields.length} fields: expected ${d} features and a label`);
    for (let j = 0; j < d; j++) {
      const text = fields[j].trim();
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) fail(line, `feature ${j + 1} is "${fields[j]}", not a finite number`);
      x[row * d + j] = value;
    }
    const labelText = fields[d].trim();
    const label = Number(labelText);
    if (labelText === '' || !Number.isInteger(label) || label < 0 || label >= info.classes.length) {
      fail(line, `label "${fields[d]}" is not a class index 0..${info.classes.length - 1}`);
    }
    labels[row] = label;
  }
  standardise(x, info.rows, d, (column) => fail(2, `feature ${column + 1} is constant: it cannot be standardised`));
  return { ...info, x, labels };
}

/** In place: each column to zero mean and unit population standard deviation. */
export function standardise(x: Float64Array, rows: number, columns: number, onConstant: (column: number) => void): void {
  for (let j = 0; j < columns; j++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += x[i * columns + j];
    mean /= rows;
    let variance = 0;
    for (let i = 0; i < rows; i++) variance += (x[i * columns + j] - mean) ** 2;
    const std = Math.sqrt(variance / rows);
    if (!(std > 0)) {
      onConstant(j);
      continue;
    }
    for (let i = 0; i < rows; i++) x[i * columns + j] = (x[i * columns + j] - mean) / std;
  }
}

// ---- The provider: entry points hand over the file texts; problems read parsed data sets ----

const texts = new Map<DatasetName, string>();
const parsed = new Map<DatasetName, Dataset>();

/** Makes a data set's file text available (src/node/datasets.ts, web/datasets.ts). */
export function provideDatasetText(name: DatasetName, text: string): void {
  if (!DATASETS[name]) throw new Error(`unknown data set "${name}" (known: ${DATASET_NAMES.join(', ')})`);
  if (texts.get(name) === text) return;
  texts.set(name, text);
  parsed.delete(name);
}

export function hasDataset(name: DatasetName): boolean {
  return texts.has(name);
}

/** The parsed, standardised data set (parsed once per text). */
export function loadDataset(name: DatasetName): Dataset {
  const cached = parsed.get(name);
  if (cached) return cached;
  const text = texts.get(name);
  if (text === undefined) {
    throw new Error(
      `data set "${name}" (data/${DATASETS[name]?.file ?? '?'}) has not been provided: in Node call `
        + 'registerNodeDatasets() (src/node/datasets.ts); in the page import web/datasets.ts',
    );
  }
  const dataset = parseDataset(name, text);
  parsed.set(name, dataset);
  return dataset;
}
