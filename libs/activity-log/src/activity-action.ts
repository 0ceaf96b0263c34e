/**
 * Every kind of activity-log entry. Key vault and failover: ADD .. CIRCUIT_CLOSE; auth: LOGIN_* ..
 * ROLE_CHANGED; credits: CREDITS_GRANTED, TRANSFER; runtime providers: PROVIDER_*. The migration
 * pins the same list in a check constraint, so a new action is a code change plus a migration.
 */
export const ACTIVITY_ACTIONS = [
  'ADD',
  'DELETE',
  'SELECT',
  'UNSELECT',
  'IMPORT',
  'TEST',
  'COOLDOWN',
  'INVALID',
  'EXHAUSTED',
  'FAILOVER',
  'CIRCUIT_OPEN',
  'CIRCUIT_CLOSE',
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'API_KEY_CREATED',
  'API_KEY_REVOKED',
  'USER_CREATED',
  'ROLE_CHANGED',
  'CREDITS_GRANTED',
  'TRANSFER',
  'PROVIDER_CREATED',
  'PROVIDER_UPDATED',
  'PROVIDER_DELETED',
] as const;

export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

/** The actions by name, for call sites: `ActivityActions.COOLDOWN`. */
export const ActivityActions = Object.freeze(
  Object.fromEntries(ACTIVITY_ACTIONS.map((a) => [a, a])) as { readonly [A in ActivityAction]: A },
);

export const ACTOR_TYPES = ['user', 'api_key', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/** Who did it: a user (JWT), a Switchyard API key, or the gateway itself (failover, retention). */
export interface ActivityActor {
  type: ActorType;
  /** The user id, API key id, or a system component name. */
  id?: string | null;
  /** Something a human recognises: an email, the API key's name. */
  label?: string | null;
}

/** The system actor, for events no person caused (failover bookkeeping, retention). */
export const SYSTEM_ACTOR: ActivityActor = Object.freeze({ type: 'system', id: null, label: 'switchyard' });

/** What a lib hands to {@link ActivityLogService.record}. Time, request id and IP are filled in when absent. */
export interface ActivityEntry {
  action: ActivityAction;
  /** The tenant the event belongs to; null for platform-level events. */
  tenantId?: string | null;
  actor?: ActivityActor;
  /** Catalog provider id, for key and failover events. */
  provider?: string | null;
  /** An identifier of the provider key that is not the key: a vault key id, or `env:OPENAI_API_KEY`. */
  keyId?: string | null;
  /** The key as shown to people: `…abcd` (see maskKey). Anything longer is masked on the way in. */
  keyHint?: string | null;
  description?: string;
  requestId?: string | null;
  ip?: string | null;
  /** Anything else worth keeping; never a secret. */
  metadata?: Record<string, unknown> | null;
  /** Defaults to now. */
  at?: Date;
}

/**
 * The fields of a caller the actor is taken from. Structural, so this lib needs nothing from
 * libs/auth (which itself records auth events here).
 */
export interface ActorSource {
  kind: 'user' | 'api_key';
  userId: string;
  email: string;
  apiKey?: { id: string; name: string };
}

/** The actor of an authenticated caller: its API key when it called with one, else the user. */
export function actorOf(caller: ActorSource): ActivityActor {
  return caller.kind === 'api_key' && caller.apiKey
    ? { type: 'api_key', id: caller.apiKey.id, label: caller.apiKey.name }
    : { type: 'user', id: caller.userId, label: caller.email };
}
