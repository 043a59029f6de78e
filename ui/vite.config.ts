import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// One build, one page per app: the kiosk (index.html, bundled into the Tauri app) and the
// portal (portal.html, served by the cloud at /portal). Assets load from /assets/ in both.
// Fonts, the logo and the category names come from the repository, one level up.
//
// `--mode e2e` builds instead the kiosk's screens over the fake backend of the browser tests
// (e2e/kiosk.html → dist-e2e/), so the app's own bundle never contains the fake.
const pages: Record<string, Record<string, string>> = {
  app: { kiosk: 'index.html', portal: 'portal.html', guest: 'guest.html' },
  e2e: { kiosk: 'e2e/kiosk.html' },
};

export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  base: '/',
  server: { fs: { allow: ['..'] } },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    rollupOptions: {
      input: mode === 'e2e' ? pages.e2e : pages.app,
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
}));
