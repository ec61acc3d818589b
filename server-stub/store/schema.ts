// The store's tables as Kysely sees them. Column names are snake_case; JSON columns hold text.
import type { Generated } from "kysely";

export interface FirmsTable {
  org_id: string;
  name: string;
  /** JSON array of the scope names the firm has enabled. */
  scopes: string;
  created_at: string;
}

export interface UsersTable {
  user_id: string;
  org_id: string;
  name: string;
  email: string;
  role: string;
  created_at: string;
}

export interface IntegrationsTable {
  app_id: string;
  org_id: string;
  identifier: string;
  /** JSON array of scope names. */
  scopes: string;
  /** JSON array of CIDR strings. */
  allowed_ip_ranges: string;
  /** Hex SHA-256 of the client secret; the secret itself is never stored. */
  secret_hash: string;
  /** The secret replaced by the last rotation, valid until previous_secret_expires_at (ms) when a grace was asked. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  /** Unix seconds: tokens issued (iat) before this are revoked (rotate-secret --revoke-tokens). */
  tokens_valid_from: number | null;
  disabled_at: string | null;
  created_at: string;
}

export interface SigningKeysTable {
  kid: string;
  /** 1 for the first key, +1 per rotation; unique, so two processes cannot both create "the first key". */
  generation: number;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: string;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface CasesTable {
  case_id: string;
  org_id: string;
  matter_ref: string;
  matter_type: string | null;
  /** JSON object or null. */
  property_address: string | null;
  require_sof: number;
  created_by_app_id: string;
  created_at: string;
}

export interface PartiesTable {
  party_id: string;
  case_id: string;
  org_id: string;
  name: string;
  email: string | null;
  mobile: string | null;
  role: string | null;
  party_type: string;
  is_primary_contact: number;
  client_access_status: "not_sent" | "sent";
  created_at: string;
}

export interface InvitesTable {
  invite_id: string;
  org_id: string;
  case_id: string;
  party_id: string;
  channel: "email" | "sms";
  created_at: string;
}

export interface OutboxTable {
  message_id: string;
  org_id: string;
  case_id: string;
  party_id: string;
  invite_id: string;
  channel: "email" | "sms";
  recipient: string;
  /** What invites are counted by: the E.164 number (SMS) or the email address lower-cased. */
  destination: string;
  created_at: string;
}

export interface AuditTable {
  audit_id: string;
  org_id: string;
  case_id: string;
  actor_type: string;
  actor_id: string;
  actor_token_kind: string;
  actor_identifier: string;
  action: string;
  target_id: string;
  request_id: string;
  created_at: string;
}

export interface TokenFailuresTable {
  id: Generated<number>;
  address: string;
  client_id: string;
  /** Unix milliseconds. */
  failed_at: number;
}

/** One Idempotency-Key per (integration, method, path): "running" while response_status is null. */
export interface IdempotencyKeysTable {
  app_id: string;
  method: string;
  /** The request path without the /api proxy prefix, ids included. */
  path: string;
  idempotency_key: string;
  /** Hex SHA-256 of the request body in canonical JSON: a retry must send the same. */
  request_hash: string;
  /** A random token naming the request that holds the key while it runs; null once its reply is stored. */
  owner: string | null;
  /** Unix ms until which a running request holds the key; a retry after it (the holder died) takes it over. */
  locked_until: number;
  response_status: number | null;
  /** JSON object of the reply's own headers (RateLimit...). */
  response_headers: string | null;
  /** The reply body as JSON text. */
  response_body: string | null;
  /** Unix ms of first use; the key is forgotten 24 h later. */
  created_at: number;
}

export interface Database {
  firms: FirmsTable;
  users: UsersTable;
  integrations: IntegrationsTable;
  signing_keys: SigningKeysTable;
  settings: SettingsTable;
  cases: CasesTable;
  parties: PartiesTable;
  invites: InvitesTable;
  outbox: OutboxTable;
  audit: AuditTable;
  token_failures: TokenFailuresTable;
  idempotency_keys: IdempotencyKeysTable;
}
