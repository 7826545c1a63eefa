import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console: a single-page app served at `/` (locally by `ai-ops start`, on AWS by CloudFront). */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Sizes are checked against the 350 KB gzipped budget by test/e2e/console (initial JS), not by a warning.
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
  },
  server: {
    // `npm run dev:web` proxies the API to a running `npm start`.
    proxy: { '/graphql': 'http://localhost:4000', '/config.json': 'http://localhost:4000' },
  },
});
