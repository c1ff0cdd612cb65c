// Sorting the comparisons table, DOM-free: numbers numerically with missing values (NaN) last
// in either direction, names alphabetically; ties keep the table's natural order (pair, then ρ).
import type { ErrorRhoPoint } from './plot-data.js';

export type SortKey = 'algorithm' | 'model' | 'rho' | 'relMaxError' | 'band' | 'weakError';

export function sortRows(rows: readonly ErrorRhoPoint[], key: SortKey, descending: boolean): ErrorRhoPoint[] {
  const indexed = rows.map((row, i) => ({ row, i }));
  indexed.sort((a, b) => {
    const x = a.row[key];
    const y = b.row[key];
    let c: number;
    if (typeof x === 'number' && typeof y === 'number') {
      const xm = !Number.isFinite(x);
      const ym = !Number.isFinite(y);
      if (xm || ym) return xm === ym ? a.i - b.i : xm ? 1 : -1;
      c = x - y;
    } else {
      c = String(x).localeCompare(String(y));
    }
    if (c === 0) return a.i - b.i;
    return descending ? -c : c;
  });
  return indexed.map((e) => e.row);
}
