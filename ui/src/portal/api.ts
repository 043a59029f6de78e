// Typed calls to the Gatehouse cloud's JSON API. The types are the cloud's own, generated from
// its OpenAPI document into api-types.ts (`npm run api-types -- openapi.json`). Every failure
// arrives as a `Failure` with one of the cloud's codes (crates/cloud/src/http/error.rs).

import { Failure, toFailure, type FailureCodes } from '../lib/failure';
import type { components } from './api-types';

type Schemas = components['schemas'];

export type ApprovalStatus = Schemas['ApprovalStatus'];
export type Permission = Schemas['Permission'];
export type CategoryKind = Schemas['CategoryKind'];
export type User = Schemas['User'];
export type Grant = Schemas['Grant'];
export type Facility = Schemas['Facility'];
export type Me = Schemas['Me'];
export type Invitation = Schemas['InvitationRecord'];
export type Category = Schemas['Category'];
export type InvitationRequest = Schemas['InvitationRequest'];
export type SignedIn = Schemas['SignedIn'];
/** A check-in a kiosk flagged for reception. */
export type Attention = Schemas['Attention'];
export type Lobby = Schemas['Lobby'];
/** A single-use code that enrolls one kiosk. */
export type KioskCode = Schemas['KioskCode'];
/** An enrolled kiosk as the Kiosks page lists it. */
export type KioskInfo = Schemas['KioskInfo'];
export type VisitDocument = Schemas['VisitDocument'];
/** A line of a kiosk's staff history. */
export type StaffHistoryLine = Schemas['StaffHistoryLine'];
/** The host's (or reception's) answer about a walk-in waiting for them. */
export type WalkInAnswer = Schemas['WalkInAnswer'];
export type ZoneMap = Schemas['ZoneMapView'];
export type Zone = Schemas['Zone'];
export type Door = Schemas['Door'];
export type Room = Schemas['Room'];
export type SecurityLevel = Schemas['SecurityLevel'];
export type ZoneMapVersion = Schemas['ZoneMapVersion'];
/** The visit as its guest sees it on the pre-registration page. */
export type GuestVisit = Schemas['GuestVisit'];
export type DocumentStatus = Schemas['DocumentStatus'];
export type RequiredDocument = Schemas['RequiredDocument'];
/** One of a visit's door credentials: what it opens, when, and what became of it. */
export type VisitCredential = Schemas['CredentialView'];
/** A moment of a visit: a history entry, a check-in or check-out at a kiosk, a door scan. */
export type Moment = Schemas['Moment'];
/** The visit's access in the building's access-control system. */
export type SystemAccess = Schemas['AccessView'];
export type Muster = Schemas['Muster'];
export type Present = Schemas['Present'];
export type AccessSystem = Schemas['System'];
export type ConnectorSetup = Schemas['ConnectorSetup'];
export type ConnectorView = Schemas['ConnectorView'];
export type DoorMapping = Schemas['BTreeMap'];
export type Probe = Schemas['Probe'];
export type SystemDoor = Schemas['SystemDoor'];
export type Reconciled = Schemas['Reconciled'];
export type WatchlistEntry = Schemas['WatchlistEntry'];
export type EntryRequest = Schemas['EntryRequest'];
export type ScreeningHold = Schemas['ScreeningHold'];
export type Verdict = Schemas['Verdict'];
export type Utilisation = Schemas['Utilisation'];
export type ZoneShare = Schemas['ZoneShare'];

/**
 * What happened to an invitation, as its history records it. The cloud sends it as a string;
 * these are the ones the portal has words for.
 */
export const historyActions = [
  'create',
  'approve',
  'reject',
  'return_to_pending',
  'cancel',
  'checked_in',
  'checked_out',
  'badge_printed',
  'credential_issued',
  'credential_revoked',
  'walk_in',
  'walk_in_confirmed',
  'walk_in_denied',
  'access_reconciled',
  'screening_hit',
  'screening_false_positive',
  'screening_allowed',
] as const;

export type HistoryAction = (typeof historyActions)[number];

export function isHistoryAction(action: string): action is HistoryAction {
  return (historyActions as readonly string[]).includes(action);
}

/**
 * The codes the cloud answers with; `unexpected` is an answer that is not the cloud's JSON (a
 * proxy's error page, no answer at all).
 */
export const failureCodes = {
  known: [
    'bad_request',
    'invalid',
    'internal_only_room',
    'unauthenticated',
    'wrong_credentials',
    'forbidden',
    'not_found',
    'conflict',
    'too_large',
    'too_many_requests',
    'database_unavailable',
    'unavailable',
    'busy',
    'internal',
  ],
  otherwise: 'unexpected',
} as const satisfies FailureCodes<string>;

export type FailureCode = (typeof failureCodes.known)[number] | typeof failureCodes.otherwise;

export type PortalFailure = Failure<FailureCode>;

/** Whatever a call was rejected with, as a `Failure` with one of the cloud's codes. */
export function portalFailure(rejection: unknown): PortalFailure {
  return toFailure<FailureCode>(rejection, failureCodes);
}

/** Reads a failed response's `{code, message}`, whatever the body turns out to be. */
export async function readFailure(response: Response): Promise<PortalFailure> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'code' in body && 'message' in body) {
      return toFailure<FailureCode>(body, failureCodes, response.status);
    }
  } catch {
    // Not JSON: fall through to `unexpected`.
  }
  return new Failure('unexpected', `the cloud answered ${response.status}`, response.status);
}

const TOKEN_KEY = 'gatehouse.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** `fetch` under /api/v1 with the bearer token; a failed answer or none throws a `Failure`. */
async function answer(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const bearer = token.get();
  if (bearer) headers.set('Authorization', `Bearer ${bearer}`);
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { ...init, headers });
  } catch (unreachable) {
    throw portalFailure(unreachable);
  }
  if (!response.ok) throw await readFailure(response);
  return response;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await answer(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const api = {
  signIn: (email: string, password: string) => request<SignedIn>('POST', '/sessions', { email, password }),
  signOut: () => request<undefined>('DELETE', '/sessions/current'),
  me: () => request<Me>('GET', '/me'),
  /** The language the signed-in person's emails come in. */
  setLanguage: (language: 'en' | 'de') => request<undefined>('PUT', '/me/language', { language }),
  users: () => request<User[]>('GET', '/users'),
  categories: () => request<Category[]>('GET', '/categories'),
  updateCategory: (category: Category) =>
    request<Category>('PUT', `/categories/${category.kind}`, {
      enabled: category.enabled,
      needs_approval: category.needs_approval,
      email: category.email ?? null,
      access_profile: category.access_profile,
    }),
  /** An organisation's own use of a category: here, a door policy narrower than the building's (`null`: the building's). */
  chooseCategory: (organisation: string, category: Category, profile: Category['access_profile'] | null) =>
    request<Category>('PUT', `/occupancies/${encodeURIComponent(organisation)}/categories/${category.kind}`, {
      enabled: category.enabled,
      needs_approval: category.needs_approval,
      email: category.email ?? null,
      access_profile: profile,
    }),
  invitations: (query: Record<string, string>) =>
    request<Invitation[]>('GET', `/invitations?${new URLSearchParams(query).toString()}`),
  invitation: (id: string) => request<Invitation>('GET', `/invitations/${encodeURIComponent(id)}`),
  guestVisit: (code: string, language: string) =>
    request<GuestVisit>('GET', `/guest/${encodeURIComponent(code)}?language=${language}`),
  signGuestNda: (code: string, signed: { version: number; language: 'en' | 'de'; name: string; signature: string }) =>
    request<undefined>('POST', `/guest/${encodeURIComponent(code)}/nda`, signed),
  handIn: async (code: string, document: RequiredDocument, file: Blob) => {
    await answer(`/guest/${encodeURIComponent(code)}/documents/${document}`, { method: 'PUT', body: file });
  },
  credentials: (id: string) =>
    request<VisitCredential[]>('GET', `/invitations/${encodeURIComponent(id)}/credentials`),
  /** What the guest has handed in before the visit, and what is still missing. */
  preRegistration: (id: string) =>
    request<DocumentStatus[]>('GET', `/invitations/${encodeURIComponent(id)}/pre-registration`),
  revokeCredential: (id: string, reason: string) =>
    request<undefined>('POST', `/invitations/${encodeURIComponent(id)}/credentials/revoke`, { reason }),
  invite: (body: InvitationRequest) => request<Invitation>('POST', '/invitations', body),
  lobby: () => request<Lobby>('GET', '/lobby'),
  /** A visit's document as a file, for the browser to open or save. */
  document: async (invitation: string, kind: VisitDocument) =>
    (await answer(`/invitations/${encodeURIComponent(invitation)}/documents/${kind}`)).blob(),
  kioskCode: (name: string) => request<KioskCode>('POST', '/kiosk-codes', { name }),
  kiosks: () => request<KioskInfo[]>('GET', '/kiosks'),
  revokeKiosk: (id: string) => request<undefined>('DELETE', `/kiosks/${encodeURIComponent(id)}`),
  staffHistory: (kiosk: string) =>
    request<StaffHistoryLine[]>('GET', `/kiosks/${encodeURIComponent(kiosk)}/staff-history`),
  /** The signed-in person's own kiosk PIN; `null` removes it. */
  setKioskPin: (pin: string | null) =>
    pin === null ? request<undefined>('DELETE', '/me/kiosk-pin') : request<undefined>('PUT', '/me/kiosk-pin', { pin }),
  zoneMap: () => request<ZoneMap>('GET', '/zone-map'),
  /** Replaces the building's zone map, made from `version` (409 if it changed since). */
  changeZoneMap: (version: number, zones: Zone[]) => request<ZoneMap>('PUT', '/zone-map', { version, zones }),
  zoneMapHistory: () => request<ZoneMapVersion[]>('GET', '/zone-map/history'),
  handled: (event: string) =>
    request<undefined>('POST', `/lobby/attention/${encodeURIComponent(event)}/handled`),
  answerWalkIn: (id: string, answer: WalkInAnswer) =>
    request<Invitation>('POST', `/invitations/${encodeURIComponent(id)}/walk-in-answer`, { answer }),
  timeline: (id: string) => request<Moment[]>('GET', `/invitations/${encodeURIComponent(id)}/timeline`),
  access: (id: string) => request<SystemAccess[]>('GET', `/invitations/${encodeURIComponent(id)}/access`),
  muster: () => request<Muster>('GET', '/muster'),
  /** The muster list to print, grouped by last zone, in `language`. */
  musterPdf: async (language: 'en' | 'de') => (await answer(`/muster/pdf?language=${language}`)).blob(),
  connector: () => request<ConnectorView>('GET', '/connector'),
  setConnector: (setup: ConnectorSetup) => request<ConnectorView>('PUT', '/connector', setup),
  probe: () => request<Probe>('POST', '/connector/probe'),
  reconcile: () => request<Reconciled>('POST', '/connector/reconcile'),
  watchlist: () => request<WatchlistEntry[]>('GET', '/watchlist'),
  addToWatchlist: (entry: EntryRequest) => request<WatchlistEntry>('POST', '/watchlist', entry),
  removeFromWatchlist: (id: string) => request<undefined>('DELETE', `/watchlist/${encodeURIComponent(id)}`),
  /** Imports a CSV file of entries, all or nothing. */
  importWatchlist: async (csv: Blob) =>
    (await (
      await answer('/watchlist/import', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv })
    ).json()) as WatchlistEntry[],
  /** A new token for the identity provider's SCIM client, shown once. */
  scimToken: () => request<{ token: string }>('POST', '/watchlist/scim-token'),
  screeningHold: (id: string) => request<ScreeningHold>('GET', `/invitations/${encodeURIComponent(id)}/screening`),
  decideHold: (id: string, verdict: Verdict, reason: string) =>
    request<Invitation>('POST', `/invitations/${encodeURIComponent(id)}/screening`, { verdict, reason }),
  utilisation: (from: string, to: string) =>
    request<Utilisation>('GET', `/reports/utilisation?${new URLSearchParams({ from, to }).toString()}`),
  /** The report's visitors per day and category, as a CSV file. */
  utilisationCsv: async (from: string, to: string) =>
    (await answer(`/reports/utilisation.csv?${new URLSearchParams({ from, to }).toString()}`)).blob(),
  decide: (id: string, action: 'approve' | 'reject' | 'return-to-pending', reason?: string) =>
    request<Invitation>(
      'POST',
      `/invitations/${encodeURIComponent(id)}/${action}`,
      reason ? { reason } : action === 'approve' ? undefined : {},
    ),
};

/** Whether any of the person's roles holds `permission`. */
export function holds(me: Me, permission: Permission): boolean {
  return me.permissions.some((grant) => grant.permissions.includes(permission));
}

/** Whether the person holds `permission` for the whole facility (not only for an organisation). */
export function configuresFacility(me: Me, permission: Permission): boolean {
  return me.permissions.some((grant) => grant.scope.kind === 'facility' && grant.permissions.includes(permission));
}

/** The organisation whose settings the person manages (an occupancy manager), if any. */
export function managedOrganisation(me: Me): string | null {
  const grant = me.permissions.find(
    (grant) => grant.scope.kind === 'occupancy' && grant.permissions.includes('role_administrator'),
  );
  return grant?.scope.id ?? null;
}

/** Whether the person manages the facility itself (role administrator for the whole site). */
export function managesFacility(me: Me): boolean {
  return me.permissions.some(
    (grant) => grant.scope.kind === 'facility' && grant.permissions.includes('role_administrator'),
  );
}
