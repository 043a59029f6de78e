// The screens of the visitor flow, and the one the kiosk shows now.

import { writable } from 'svelte/store';

export type Screen = 'welcome' | 'scan' | 'find' | 'walk_in';

export const screen = writable<Screen>('welcome');
