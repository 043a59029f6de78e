// The kiosk's backend in the app: Tauri's `invoke` and `listen`. The only file of the UI that
// imports Tauri; everything else goes through kiosk-api.ts.

import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { KioskBackend } from './kiosk-api';

export const tauriBackend: KioskBackend = {
  invoke: (command, args) => invoke(command, args),
  listen: (event, handler) => listen(event, (heard) => handler(heard.payload)),
};
