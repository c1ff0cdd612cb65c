declare module 'wgsl-preprocessor' {
  /** Template tag that resolves #if/#elif/#else/#endif against the interpolated values. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
