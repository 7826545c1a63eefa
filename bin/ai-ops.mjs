#!/usr/bin/env node
// The `ai-ops` command: TypeScript sources run directly through tsx, so `npx ai-ops` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
