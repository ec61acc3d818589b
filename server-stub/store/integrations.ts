// API integrations (the "apps" of Firm -> Apps & API access): scopes, allowed ranges, secret hashes.
import type { Selectable, Updateable } from "kysely";
import type { Queryable } from "./handles.ts";
import { preparedQuery } from "./prepared-query.ts";
import type { IntegrationsTable } from "./schema.ts";

export interface Integration {
  appId: string;
  orgId: string;
  identifier: string;
  scopes: string[];
  allowedIpRanges: string[];
  secretHash: string;
  previousSecretHash: string | null;
  /** Unix ms until which the previous secret is still accepted. */
  previousSecretExpiresAt: number | null;
  /** Unix seconds: tokens issued before this are revoked. */
  tokensValidFrom: number | null;
  disabledAt: string | null;
  createdAt: string;
}

function fromRow(row: Selectable<IntegrationsTable>): Integration {
  return {
    appId: row.app_id,
    orgId: row.org_id,
    identifier: row.identifier,
    scopes: JSON.parse(row.scopes),
    allowedIpRanges: JSON.parse(row.allowed_ip_ranges),
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash,
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
    tokensValidFrom: row.tokens_valid_from === null ? null : Number(row.tokens_valid_from),
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

export async function insertIntegration(db: Queryable, integration: Integration): Promise<void> {
  await db
    .insertInto("integrations")
    .values({
      app_id: integration.appId,
      org_id: integration.orgId,
      identifier: integration.identifier,
      scopes: JSON.stringify(integration.scopes),
      allowed_ip_ranges: JSON.stringify(integration.allowedIpRanges),
      secret_hash: integration.secretHash,
      previous_secret_hash: integration.previousSecretHash,
      previous_secret_expires_at: integration.previousSecretExpiresAt,
      tokens_valid_from: integration.tokensValidFrom,
      disabled_at: integration.disabledAt,
      created_at: integration.createdAt,
    })
    .execute();
}

export async function findIntegration(db: Queryable, appId: string): Promise<Integration | undefined> {
  const row = await db.selectFrom("integrations").selectAll().where("app_id", "=", appId).executeTakeFirst();
  return row && fromRow(row);
}

const integrationWithFirmScopes = preparedQuery((db, appId: string) =>
  db
    .selectFrom("integrations")
    .innerJoin("firms", "firms.org_id", "integrations.org_id")
    .selectAll("integrations")
    .select("firms.scopes as firm_scopes")
    .where("integrations.app_id", "=", appId),
);

/**
 * The integration and its firm's enabled scopes, read together (both by primary key) for every authenticated
 * call and token exchange; undefined when either is missing.
 */
export async function findIntegrationWithFirmScopes(
  db: Queryable,
  appId: string,
): Promise<{ integration: Integration; firmScopes: string[] } | undefined> {
  const [row] = await integrationWithFirmScopes(db, appId);
  return row && { integration: fromRow(row), firmScopes: JSON.parse(row.firm_scopes) };
}

/** Every integration with its allowed ranges, as stored. */
export async function listAllowedIpRanges(db: Queryable): Promise<{ appId: string; allowedIpRanges: string[] }[]> {
  const rows = await db.selectFrom("integrations").select(["app_id", "allowed_ip_ranges"]).orderBy("app_id").execute();
  return rows.map((r) => ({ appId: r.app_id, allowedIpRanges: JSON.parse(r.allowed_ip_ranges) }));
}

export async function listIntegrations(db: Queryable, orgId: string): Promise<Integration[]> {
  const rows = await db
    .selectFrom("integrations")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("created_at")
    .execute();
  return rows.map(fromRow);
}

export async function updateIntegration(
  db: Queryable,
  appId: string,
  changes: Partial<
    Pick<
      Integration,
      | "scopes"
      | "allowedIpRanges"
      | "secretHash"
      | "previousSecretHash"
      | "previousSecretExpiresAt"
      | "tokensValidFrom"
      | "disabledAt"
    >
  >,
): Promise<boolean> {
  const set: Updateable<IntegrationsTable> = {};
  if (changes.scopes !== undefined) set.scopes = JSON.stringify(changes.scopes);
  if (changes.allowedIpRanges !== undefined) set.allowed_ip_ranges = JSON.stringify(changes.allowedIpRanges);
  if (changes.secretHash !== undefined) set.secret_hash = changes.secretHash;
  if (changes.previousSecretHash !== undefined) set.previous_secret_hash = changes.previousSecretHash;
  if (changes.previousSecretExpiresAt !== undefined) set.previous_secret_expires_at = changes.previousSecretExpiresAt;
  if (changes.tokensValidFrom !== undefined) set.tokens_valid_from = changes.tokensValidFrom;
  if (changes.disabledAt !== undefined) set.disabled_at = changes.disabledAt;
  const result = await db.updateTable("integrations").set(set).where("app_id", "=", appId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
