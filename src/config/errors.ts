// Config errors as values (DESIGN.md "Errors are values at boundaries"): one error names the
// field, the value it got and what is allowed, so a user can fix a config without reading code.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** The first problem found in a run config (or in a command-line override of it). */
export class ConfigError extends Error {
  /** Path of the field, e.g. `problem.hessian.eigenvalues[2]`; `--paths` for overrides; `""` for the root. */
  readonly field: string;
  readonly value: unknown;
  /** What the field accepts, in words. */
  readonly allowed: string;

  constructor(field: string, value: unknown, allowed: string) {
    const where = field.startsWith('--') ? field : field === '' ? 'config' : `config.${field}`;
    super(`${where}: got ${formatValue(value)}; allowed: ${allowed}`);
    this.name = 'ConfigError';
    this.field = field;
    this.value = value;
    this.allowed = allowed;
  }
}

const MAX_VALUE_CHARS = 120;

/** Short, JSON-like rendering of a value; long values are cut so a message stays one line. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}

/** `['problem', 'hessian', 'eigenvalues', 2]` -> `problem.hessian.eigenvalues[2]`. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** The value at `path` inside the raw input (undefined when the path does not exist). */
export function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * Whether a union branch failed on shape (wrong type, stray or missing key at its own level)
 * rather than on a value inside it: a branch that failed only on values is the one the user
 * meant, so its issue is the helpful one to report.
 */
function failedOnShape(branch: readonly Issue[], root: unknown, unionPath: readonly PathKey[]): boolean {
  return branch.some((issue) => {
    if (issue.path.length === 0) {
      return issue.code === 'invalid_type' || issue.code === 'unrecognized_keys'
        || issue.code === 'invalid_union' || issue.code === 'invalid_value';
    }
    return issue.path.length === 1 && issue.code === 'invalid_type'
      && valueAt(root, [...unionPath, ...issue.path]) === undefined;
  });
}

/** Turns zod's first issue into a ConfigError, looking inside unions for the branch meant. */
export function issueToConfigError(issue: Issue, root: unknown, base: readonly PathKey[] = []): ConfigError {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const meant = issue.errors.find((branch) => branch.length > 0 && !failedOnShape(branch, root, path));
    if (meant) return issueToConfigError(meant[0], root, path);
  }
  if (issue.code === 'unrecognized_keys') {
    const keyPath = [...path, issue.keys[0]];
    return new ConfigError(formatPath(keyPath), valueAt(root, keyPath), issue.message);
  }
  // A discriminated union reports its discriminator's path; the value there is what was given.
  return new ConfigError(formatPath(path), valueAt(root, path), issue.message);
}
