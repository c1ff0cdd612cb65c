// Citations that resolve: every "docs/model.md §N" (or §N.M, and the §-lists that follow it,
// "§4, §6 and §7") in a tracked file names a section heading of docs/model.md, and every bare
// §N inside docs/ does too. And no file outside docs/ still cites the project's former
// out-of-tree notes: `node scripts/cite-docs.mjs <paths>` rewrites those citations.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = 'docs/model.md';
/** These two name the old citation forms on purpose. */
const NAMES_OLD_FORMS = new Set(['scripts/cite-docs.mjs', 'test/unit/docs-citations.test.ts']);

const SECTION = String.raw`\d+(?:\.\d+)*`;
/** "docs/model.md §4", optionally followed by ", §6 and §7"; a line break may sit before the §. */
const CITATION = new RegExp(
  String.raw`docs/model\.md(?:[ \t]*['"\`][ \t]*\n?[ \t]*\+[ \t]*['"\`]|\s*(?:\/\/+|\*|#)?)\s*§(${SECTION})((?:(?:,\s*(?:and\s+)?|\s+(?:and|or)\s+)§${SECTION})*)`,
  'g',
);
const BARE = new RegExp(String.raw`§(${SECTION})`, 'g');
/** The old notes by name: "SPEC section 3", "SPEC §3", "SPEC.md", "SPEC's". */
const OLD = /\bSPEC\b/;

interface TextFile { path: string; text: string }

function trackedTextFiles(): TextFile[] {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 })
    .split('\0')
    .filter(Boolean);
  const files: TextFile[] = [];
  for (const path of paths) {
    const full = join(ROOT, path);
    // A file deleted in the working tree but still in the index is skipped.
    if (!existsSync(full) || !statSync(full).isFile()) continue;
    const bytes = readFileSync(full);
    if (bytes.subarray(0, 8192).includes(0)) continue;
    files.push({ path, text: bytes.toString('utf8') });
  }
  return files;
}

/** Section numbers of the model's headings: "## 3. SDE models" → 3, "### 3.2 SAM-SDE" → 3.2. */
function modelSections(text: string): Set<string> {
  const sections = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (m) sections.add(m[1]);
  }
  return sections;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

const files = trackedTextFiles();
const model = files.find((f) => f.path === MODEL);

describe('docs/model.md citations', () => {
  it('docs/model.md is tracked and numbers sections 1–9 as the code cites them', () => {
    expect(model, `${MODEL} must be a tracked file`).toBeDefined();
    const sections = modelSections(model!.text);
    for (let n = 1; n <= 9; n++) expect(sections.has(String(n)), `${MODEL} has no section ${n}`).toBe(true);
  });

  it('every docs/model.md §N in a tracked file names a section that exists', () => {
    const sections = modelSections(model?.text ?? '');
    const broken: string[] = [];
    let citations = 0;
    for (const file of files) {
      for (const m of file.text.matchAll(CITATION)) {
        const cited = [m[1], ...[...m[2].matchAll(BARE)].map((n) => n[1])];
        citations += cited.length;
        for (const n of cited) {
          if (!sections.has(n)) broken.push(`${file.path}:${lineOf(file.text, m.index)}: §${n}`);
        }
      }
    }
    expect(citations, 'no citation of docs/model.md found at all: is the pattern right?').toBeGreaterThan(50);
    expect(broken, `citations of sections that docs/model.md does not have:\n${broken.join('\n')}`).toEqual([]);
  });

  it('every § inside docs/ names a section of docs/model.md', () => {
    const sections = modelSections(model?.text ?? '');
    const broken: string[] = [];
    for (const file of files.filter((f) => f.path.startsWith('docs/') && f.path.endsWith('.md'))) {
      for (const m of file.text.matchAll(BARE)) {
        if (!sections.has(m[1])) broken.push(`${file.path}:${lineOf(file.text, m.index)}: §${m[1]}`);
      }
    }
    expect(broken, `section references inside docs/ that docs/model.md does not have:\n${broken.join('\n')}`).toEqual([]);
  });

  it('no file outside docs/ cites the old out-of-tree notes (run scripts/cite-docs.mjs on the offenders)', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (file.path.startsWith('docs/') || NAMES_OLD_FORMS.has(file.path)) continue;
      file.text.split('\n').forEach((line, i) => {
        if (OLD.test(line)) offenders.push(`${file.path}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    const folders = [...new Set(offenders.map((o) => o.split(':')[0]))].join(' ');
    expect(offenders, `${offenders.length} old citation(s); fix with: node scripts/cite-docs.mjs ${folders}\n${offenders.join('\n')}`)
      .toEqual([]);
  });
});

describe('scripts/cite-docs.mjs', () => {
  it('rewrites the old forms into docs/model.md §N', async () => {
    // @ts-expect-error: a plain ES module without type declarations.
    const { rewrite } = (await import('../../scripts/cite-docs.mjs')) as { rewrite: (text: string) => { text: string; count: number } };
    const cases: [string, string][] = [
      ['// SPEC section 3: draws', '// docs/model.md §3: draws'],
      ['(SPEC §7)', '(docs/model.md §7)'],
      ['SPEC.md sections 4, 6 and 7 as thresholds', 'docs/model.md §4, §6 and §7 as thresholds'],
      ['(SPEC.md sections 1 and 3)', '(docs/model.md §1 and §3)'],
      ['// claim (SPEC\n// section 6), with', '// claim (docs/model.md\n// §6), with'],
      ["exactly (SPEC '\n    + 'section 7): their", "exactly (docs/model.md '\n    + '§7): their"],
      ["SPEC section 6's validation-quadratic", "docs/model.md §6's validation-quadratic"],
      ['against SPEC.md: the draws', 'against docs/model.md: the draws'],
      ['specified in `SPEC.md` of the project\'s shared notes;', 'specified in [`docs/model.md`](docs/model.md);'],
      ['OrderSpec and spec.x stay', 'OrderSpec and spec.x stay'],
    ];
    for (const [before, after] of cases) expect(rewrite(before).text, before).toBe(after);
    expect(rewrite('SPEC section 4, convergence order').text).toBe('docs/model.md §4, convergence order');
    expect(rewrite('no citation here').count).toBe(0);
  });
});
