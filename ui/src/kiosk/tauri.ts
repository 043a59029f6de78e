// The kiosk's backend in the app: Tauri's `invoke`. The only file of the UI that imports Tauri;
// everything else goes through kiosk-api.ts. The screen hears nothing pushed: it asks.

import { invoke } from '@tauri-apps/api/core';
import type { KioskBackend } from './kiosk-api';

export const tauriBackend: KioskBackend = {
  invoke: (command, args) => invoke(command, args),
};
