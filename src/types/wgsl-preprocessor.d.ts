declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Template tag that resolves #if/#elif/#else/#endif against the interpolated values. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
