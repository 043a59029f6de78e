// Typed calls to the Gatehouse cloud's JSON API. Every failure arrives as an `ApiFailure` with
// the cloud's `{code, message}`.

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';
export type Permission =
  | 'visitor_invitation'
  | 'invite_for_others'
  | 'all_visitor_requests'
  | 'visitor_admission'
  | 'visitor_vendor_configuration'
  | 'can_exceed_end_of_day'
  | 'approve_invitations'
  | 'role_administrator';

export interface User {
  id: string;
  facility_id: string;
  occupancy_id: string | null;
  display_name: string;
  email: string;
}

export interface Grant {
  scope: { kind: 'facility' | 'occupancy'; id: string };
  permissions: Permission[];
}

export interface Facility {
  id: string;
  name: string;
  address: string;
  time_zone: string;
  end_of_day: string;
}

export interface Me {
  user: User;
  facility: Facility;
  permissions: Grant[];
}

export interface Invitation {
  id: string;
  occupancy_id: string;
  host_id: string;
  host_name: string;
  category: string;
  visitor_name: string;
  visitor_email: string;
  visitor_company: string;
  starts_at: string;
  ends_at: string;
  approval_status: ApprovalStatus;
  visit_status: string;
}

/** What happened to an invitation, as its history records it. */
export type HistoryAction =
  | 'create'
  | 'approve'
  | 'reject'
  | 'return_to_pending'
  | 'cancel'
  | 'checked_in'
  | 'checked_out'
  | 'badge_printed'
  | 'credential_revoked';

export interface HistoryEntry {
  action: HistoryAction;
  actor_name: string | null;
  from_status: ApprovalStatus | null;
  to_status: ApprovalStatus;
  reason: string | null;
  at: string;
}

export interface Category {
  kind: string;
  enabled: boolean;
  needs_approval: boolean;
}

/** A check-in a kiosk flagged for reception. */
export interface Attention {
  event: string;
  invitation: Invitation;
  reason: string;
  at: string;
  kiosk: string;
  /** A badge the kiosk could not print waits here for reception. */
  unprinted_badge: boolean;
}

export interface Lobby {
  attention: Attention[];
  on_site: Invitation[];
}

/** A single-use code that enrolls one kiosk. */
export interface KioskCode {
  code: string;
  name: string;
  expires_at: string;
}

export class ApiFailure extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
  }
}

/** Reads a failed response's `{code, message}`, whatever the body turns out to be. */
export async function toFailure(response: Response): Promise<ApiFailure> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'code' in body && 'message' in body) {
      const { code, message } = body as { code: unknown; message: unknown };
      return new ApiFailure(response.status, String(code), String(message));
    }
  } catch {
    // Not JSON: fall through to a generic failure.
  }
  return new ApiFailure(response.status, 'unexpected', `the cloud answered ${response.status}`);
}

const TOKEN_KEY = 'gatehouse.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const bearer = token.get();
  if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw await toFailure(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export const api = {
  signIn: (email: string, password: string) =>
    request<{ token: string; user: User }>('POST', '/sessions', { email, password }),
  signOut: () => request<undefined>('DELETE', '/sessions/current'),
  me: () => request<Me>('GET', '/me'),
  users: () => request<User[]>('GET', '/users'),
  categories: () => request<Category[]>('GET', '/categories'),
  invitations: (query: Record<string, string>) =>
    request<Invitation[]>('GET', `/invitations?${new URLSearchParams(query).toString()}`),
  invitation: (id: string) => request<Invitation>('GET', `/invitations/${encodeURIComponent(id)}`),
  history: (id: string) => request<HistoryEntry[]>('GET', `/invitations/${encodeURIComponent(id)}/history`),
  invite: (body: unknown) => request<Invitation>('POST', '/invitations', body),
  lobby: () => request<Lobby>('GET', '/lobby'),
  /** A visit's document as a file, for the browser to open or save. */
  document: async (invitation: string, kind: 'signed_nda' | 'photo' | 'unprinted_badge') => {
    const bearer = token.get();
    const response = await fetch(
      `/api/v1/invitations/${encodeURIComponent(invitation)}/documents/${kind}`,
      { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} },
    );
    if (!response.ok) throw await toFailure(response);
    return response.blob();
  },
  kioskCode: (name: string) => request<KioskCode>('POST', '/kiosk-codes', { name }),
  handled: (event: string) =>
    request<undefined>('POST', `/lobby/attention/${encodeURIComponent(event)}/handled`),
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

/** Whether the person manages the facility itself (role administrator for the whole site). */
export function managesFacility(me: Me): boolean {
  return me.permissions.some(
    (grant) => grant.scope.kind === 'facility' && grant.permissions.includes('role_administrator'),
  );
}
