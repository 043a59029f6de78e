// Starts the kiosk's screens over a backend: Tauri's in the app (main.ts), a fake in the
// browser tests (e2e/fake-kiosk.ts).

import { mount } from 'svelte';
import '../styles/kiosk.css';
import App from './App.svelte';
import { useBackend, type KioskBackend } from './kiosk-api';

export function start(backend: KioskBackend) {
  useBackend(backend);
  const target = document.getElementById('kiosk');
  if (!target) throw new Error('the page has no #kiosk element');

  // A kiosk has no use for the browser's own menus.
  document.addEventListener('contextmenu', (event) => event.preventDefault());

  return mount(App, { target });
}
