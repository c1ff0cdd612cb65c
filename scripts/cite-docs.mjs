#!/usr/bin/env node
// Rewrites citations of the project's former out-of-tree notes ("SPEC section 3",
// "SPEC.md sections 4, 6 and 7", "SPEC §7", "SPEC.md") into citations of docs/model.md, whose
// top-level sections carry the same numbers (docs/model.md §N is SPEC section N).
//
//   node scripts/cite-docs.mjs [--check] [PATH ...]
//
// PATHs are files or folders relative to the current directory (default: the whole repository).
// Inside a git checkout the files are those git knows (tracked, plus untracked ones that are not
// ignored); elsewhere the folders are walked. node_modules/, .git/, docs/ and binary files are
// never touched, nor this script and test/unit/docs-citations.test.ts (they name the old forms
// on purpose). --check writes nothing: it lists what would change and exits 1 if anything would.
// No dependencies.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', 'docs']);
const SKIP_FILES = new Set(['scripts/cite-docs.mjs', 'test/unit/docs-citations.test.ts']);

// A section number (3, 3.2) and a list of them: "4, 6 and 7", "1 and 3", "4 or 5".
const NUM = String.raw`\d+(?:\.\d+)*`;
const LIST = String.raw`${NUM}(?:(?:,[ \t]*(?:and[ \t]+)?|[ \t]+(?:and|or)[ \t]+)${NUM})*`;
// What may sit between "SPEC" and "section": blanks, a line break continuing a comment
// ("//", "*", "#"), or a string concatenation across lines ("SPEC '\n  + 'section 7").
const SEP = String.raw`(?:[ \t]*\n[ \t]*(?:\/\/+|\*|#)?[ \t]*|[ \t]*['"\`][ \t]*\n?[ \t]*\+[ \t]*['"\`][ \t]*|[ \t]+)`;

const RULES = [
  // The README's pointer to the notes themselves.
  {
    pattern: /`?SPEC\.md`? of the project's shared notes/g,
    replace: () => '[`docs/model.md`](docs/model.md)',
  },
  // "SPEC section 3", "SPEC.md sections 4, 6 and 7", "SPEC's section 3".
  {
    pattern: new RegExp(String.raw`\bSPEC(?:\.md)?(?:'s)?(${SEP})sections?(?:${SEP})(${LIST})`, 'g'),
    replace: (_match, between, list) => `docs/model.md${between}${sectionList(list)}`,
  },
  // "SPEC §7", "SPEC.md §1 mode A", "SPEC §§4 and 7".
  {
    pattern: new RegExp(String.raw`\bSPEC(?:\.md)?(${SEP})§§?[ \t]*(${LIST})`, 'g'),
    replace: (_match, between, list) => `docs/model.md${between}${sectionList(list)}`,
  },
  // Anything left: "SPEC.md", "SPEC's", "SPEC:" name the whole document.
  { pattern: /\bSPEC\.md\b/g, replace: () => 'docs/model.md' },
  { pattern: /\bSPEC\b/g, replace: () => 'docs/model.md' },
];

/** "4, 6 and 7" → "§4, §6 and §7". */
function sectionList(list) {
  return list.replace(new RegExp(NUM, 'g'), (n) => `§${n}`);
}

/** Applies every rule; returns the new text and how many citations changed. */
export function rewrite(text) {
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (...args) => {
      count++;
      return rule.replace(...args);
    });
  }
  return { text: out, count };
}

function isSkipped(path) {
  const parts = path.split('/');
  return parts.some((part) => SKIP_DIRS.has(part)) || SKIP_FILES.has(path);
}

function gitRoot(dir) {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function gitFiles(root, paths) {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...paths], {
    cwd: root, encoding: 'utf8', maxBuffer: 256 * 2 ** 20,
  });
  return [...new Set(out.split('\0').filter(Boolean))];
}

function walk(root, dir, files) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, path, files);
    else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'));
  }
}

function listFiles(root, args) {
  const targets = args.length > 0 ? args.map((a) => relative(root, resolve(a)).split(sep).join('/') || '.') : ['.'];
  for (const target of targets) {
    if (!existsSync(join(root, target))) throw new Error(`cite-docs: no such file or folder: ${target}`);
  }
  if (gitRoot(root) !== undefined) return gitFiles(root, targets);
  const files = [];
  for (const target of targets) {
    const full = join(root, target);
    if (statSync(full).isDirectory()) walk(root, full, files);
    else files.push(target);
  }
  return files;
}

function main(argv) {
  const check = argv.includes('--check');
  const args = argv.filter((a) => a !== '--check');
  const root = gitRoot(process.cwd()) ?? process.cwd();
  let changedFiles = 0;
  let citations = 0;
  for (const path of listFiles(root, args)) {
    if (isSkipped(path)) continue;
    const full = join(root, path);
    if (!existsSync(full) || !statSync(full).isFile()) continue;
    const bytes = readFileSync(full);
    if (bytes.subarray(0, 8192).includes(0)) continue;
    const text = bytes.toString('utf8');
    const { text: next, count } = rewrite(text);
    if (count === 0 || next === text) continue;
    changedFiles++;
    citations += count;
    process.stdout.write(`${check ? 'would rewrite' : 'rewrote'} ${path}: ${count}\n`);
    if (!check) writeFileSync(full, next);
  }
  process.stdout.write(`${citations} citation(s) in ${changedFiles} file(s)${check ? ' would change' : ' rewritten'}\n`);
  return check && changedFiles > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('cite-docs.mjs')) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
  }
}
