import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The portal in Debian's Chromium against the real cloud with the demo data.
const port = process.env.GATEHOUSE_E2E_PORT ?? '18181';
process.env.GATEHOUSE_E2E_PORT = port;
process.env.GATEHOUSE_E2E_DIR ??= join(tmpdir(), `gatehouse-portal-e2e-${port}`);

export default defineConfig({
  testDir: 'e2e',
  outputDir: '../test-output/portal/results',
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'bash e2e/serve-demo.sh',
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
