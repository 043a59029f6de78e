import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// One build, one page per app: the kiosk (index.html, bundled into the Tauri app) and the
// portal (portal.html, served by the cloud at /portal). Assets load from /assets/ in both.
// Fonts and the logo come from the repository's assets/ folder, one level up.
export default defineConfig({
  plugins: [svelte()],
  base: '/',
  server: { fs: { allow: ['..'] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    rollupOptions: { input: { kiosk: 'index.html', portal: 'portal.html' } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
