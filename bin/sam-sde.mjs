#!/usr/bin/env node
// The `sam-sde` command. Node 20 does not run TypeScript, so tsx's loader is registered first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/node/cli.ts');
process.exitCode = await main(process.argv);
