// One way to run a child process in the end-to-end tests: `node <args>` from the repository
// root, output collected, killed (and the test failed with its output) past a time limit.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'sam-sde.mjs');

export interface Outcome { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

export function runNode(args: string[], { timeoutMs = 30_000, cwd = ROOT } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} ran past ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

/** `node bin/sam-sde.mjs ...args`, exactly as a user's `npx sam-sde` runs it. */
export function runCli(args: string[], options: { timeoutMs?: number; cwd?: string } = {}): Promise<Outcome> {
  return runNode([BIN, ...args], options);
}
