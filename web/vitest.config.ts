import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

/** Component tests beside the console code (Testing Library in jsdom). */
export default defineProject({
  root: import.meta.dirname,
  plugins: [react()],
  test: {
    name: 'web',
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['src/test-setup.ts'],
  },
});
