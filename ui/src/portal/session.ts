// Who is signed in, and where in the portal they are.

import { writable } from 'svelte/store';
import type { Me } from './api';

export const me = writable<Me | null>(null);

export type Route =
  | { page: 'mine' }
  | { page: 'invite' }
  | { page: 'review' }
  | { page: 'lobby' }
  | { page: 'kiosks' }
  | { page: 'pin' }
  | { page: 'zones' }
  | { page: 'policy' }
  | { page: 'muster' }
  | { page: 'access' }
  | { page: 'watchlist' }
  | { page: 'utilisation' }
  | { page: 'invitation'; id: string };

/** Reads a route from a path under /portal. */
export function parseRoute(pathname: string): Route {
  const rest = pathname.replace(/^\/portal\/?/, '');
  const invitation = /^invitations\/([0-9a-fA-F-]{36})$/.exec(rest);
  if (invitation?.[1]) return { page: 'invitation', id: invitation[1] };
  if (rest === 'invite') return { page: 'invite' };
  if (rest === 'review') return { page: 'review' };
  if (rest === 'lobby') return { page: 'lobby' };
  if (rest === 'kiosks') return { page: 'kiosks' };
  if (rest === 'pin') return { page: 'pin' };
  if (rest === 'zones') return { page: 'zones' };
  if (rest === 'policy') return { page: 'policy' };
  if (rest === 'muster') return { page: 'muster' };
  if (rest === 'access') return { page: 'access' };
  if (rest === 'watchlist') return { page: 'watchlist' };
  if (rest === 'utilisation') return { page: 'utilisation' };
  return { page: 'mine' };
}

export function pathOf(route: Route): string {
  return route.page === 'invitation' ? `/portal/invitations/${route.id}` : `/portal/${route.page}`;
}

export const route = writable<Route>(
  typeof location === 'undefined' ? { page: 'mine' } : parseRoute(location.pathname),
);

export function go(to: Route) {
  history.pushState(null, '', pathOf(to));
  route.set(to);
}
