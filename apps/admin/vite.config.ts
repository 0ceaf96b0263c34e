import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { bundleBudget } from './scripts/bundle-budget.ts';

// The console is served by the gateway at /admin (same origin as the API). In development,
// `npm run dev -w apps/admin` proxies the API to a gateway on :8080.
export default defineConfig({
  base: '/admin/',
  plugins: [react(), bundleBudget({ limitKb: 350, firstScreen: 'src/features/overview/overview-page.tsx' })],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024, reportCompressedSize: false },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/v1': 'http://localhost:8080',
      '/docs-json': 'http://localhost:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    // Two cores shared with other test runs: give slow renders room.
    testTimeout: 20_000,
  },
});
