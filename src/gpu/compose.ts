// Shader composition: prelude + modules + entry point, in one place (DESIGN.md "Kernels").
// WGSL lives in shaders/*.wgsl. Structural variants use wgsl-preprocessor's `#if ${flag}`;
// `${name}` is replaced by a template value (used for sizes that WGSL needs as const-
// expressions, such as function-scope array lengths, which `override` cannot give).
// Every source line carries a marker through the preprocessor, so a compile error in the
// composed module can be reported against the original file and line.
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';

/** WGSL sources by path relative to shaders/ (e.g. "threefry.wgsl"). */
export type ShaderSources = Readonly<Record<string, string>>;

export type TemplateValue = string | number | boolean;

export interface SourceLocation { file: string; line: number }

export interface ComposedShader {
  label: string;
  code: string;
  /** Original file and line of a 1-based line of `code`. */
  locate(line: number): SourceLocation;
}

const PRELUDE = 'prelude.wgsl';
const MARKER = / \/\/@(\d+):(\d+)$/;
const PLACEHOLDER = /\$\{(\w+)\}/g;

/**
 * Composes the prelude and `files` (in order) into one WGSL module.
 * `values` fills every `${name}`; a missing name is an error naming the file.
 * `extensions` are enabled first (`enable subgroups;`), as WGSL requires.
 */
export function composeShader(
  sources: ShaderSources,
  files: readonly string[],
  values: Readonly<Record<string, TemplateValue>>,
  label: string,
  extensions: readonly string[] = [],
): ComposedShader {
  const order = [PRELUDE, ...files.filter((f) => f !== PRELUDE)];
  const outLines = extensions.map((name) => `enable ${name};`);
  const origins: SourceLocation[] = extensions.map((name, i) => ({ file: `(enable ${name})`, line: i + 1 }));
  order.forEach((file, fileIndex) => {
    const text = sources[file];
    if (text === undefined) throw new Error(`shader ${label}: no source "${file}" under shaders/`);
    const marked = text
      .split('\n')
      .map((line, i) => `${line} //@${fileIndex}:${i + 1}`)
      .join('\n');
    const expanded = preprocess(marked, values, file);
    let last: SourceLocation = { file, line: 1 };
    for (const line of expanded.split('\n')) {
      const m = MARKER.exec(line);
      if (m) last = { file: order[Number(m[1])], line: Number(m[2]) };
      outLines.push(m ? line.slice(0, m.index) : line);
      origins.push(last);
    }
  });
  return {
    label,
    code: outLines.join('\n'),
    locate: (line) => origins[Math.min(Math.max(line, 1), origins.length) - 1],
  };
}

function preprocess(text: string, values: Readonly<Record<string, TemplateValue>>, file: string): string {
  const strings: string[] = [];
  const args: TemplateValue[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1];
    if (!(name in values)) throw new Error(`shaders/${file}: template value \${${name}} is not provided`);
    strings.push(text.slice(last, m.index));
    args.push(values[name]);
    last = m.index! + m[0].length;
  }
  strings.push(text.slice(last));
  const raw = Object.assign([...strings], { raw: strings });
  try {
    return wgsl(raw as unknown as TemplateStringsArray, ...args);
  } catch (e) {
    throw new Error(`shaders/${file}: ${(e as Error).message}`);
  }
}

/** A WGSL compile error, reported against the original .wgsl file and line. */
export class ShaderCompileError extends Error {
  constructor(label: string, readonly messages: string[]) {
    super(`shader ${label} does not compile:\n${messages.join('\n')}`);
    this.name = 'ShaderCompileError';
  }
}

/** Creates the module and throws ShaderCompileError (with original file:line) on errors. */
export async function compileShader(device: GPUDevice, shader: ComposedShader): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label: shader.label, code: shader.code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    throw new ShaderCompileError(
      shader.label,
      errors.map((m) => {
        const at = shader.locate(m.lineNum);
        return `shaders/${at.file}:${at.line}:${m.linePos}: ${m.message}`;
      }),
    );
  }
  return module;
}
