import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './lambdas/adapters/db/schema.ts',
  out: './migrations',
});
