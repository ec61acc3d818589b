// Versioned schema migrations, run by Kysely's Migrator whenever anything opens the store.
// Append new migrations; never edit one that has shipped.
import { sql, type Kysely, type Migration, type MigrationProvider } from "kysely";
import { loadContract } from "../../contract/index.ts";

const initial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("firms")
      .addColumn("org_id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("users")
      .addColumn("user_id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull().references("firms.org_id"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("email", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("users_org_user").on("users").columns(["org_id", "user_id"]).execute();

    await db.schema
      .createTable("integrations")
      .addColumn("app_id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull().references("firms.org_id"))
      .addColumn("identifier", "text", (c) => c.notNull())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("allowed_ip_ranges", "text", (c) => c.notNull())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("previous_secret_hash", "text")
      .addColumn("previous_secret_expires_at", "bigint")
      .addColumn("disabled_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint("integrations_org_identifier_unique", ["org_id", "identifier"])
      .execute();

    await db.schema
      .createTable("signing_keys")
      .addColumn("kid", "text", (c) => c.primaryKey())
      .addColumn("generation", "integer", (c) => c.notNull().unique())
      .addColumn("alg", "text", (c) => c.notNull())
      .addColumn("private_jwk", "text", (c) => c.notNull())
      .addColumn("public_jwk", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("settings")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("cases")
      .addColumn("case_id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull().references("firms.org_id"))
      .addColumn("matter_ref", "text", (c) => c.notNull())
      .addColumn("matter_type", "text")
      .addColumn("property_address", "text")
      .addColumn("require_sof", "integer", (c) => c.notNull())
      .addColumn("created_by_app_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      // The duplicate check is this constraint, not a read-then-write: it holds under concurrency.
      .addUniqueConstraint("cases_org_matter_ref_unique", ["org_id", "matter_ref"])
      .execute();
    await db.schema.createIndex("cases_org_case").on("cases").columns(["org_id", "case_id"]).execute();

    await db.schema
      .createTable("parties")
      .addColumn("party_id", "text", (c) => c.primaryKey())
      .addColumn("case_id", "text", (c) => c.notNull().references("cases.case_id"))
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("email", "text")
      .addColumn("mobile", "text")
      .addColumn("role", "text")
      .addColumn("party_type", "text", (c) => c.notNull())
      .addColumn("is_primary_contact", "integer", (c) => c.notNull())
      .addColumn("client_access_status", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("parties_case").on("parties").columns(["case_id", "party_id"]).execute();

    await db.schema
      .createTable("invites")
      .addColumn("invite_id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("case_id", "text", (c) => c.notNull().references("cases.case_id"))
      .addColumn("party_id", "text", (c) => c.notNull().references("parties.party_id"))
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("invites_party_created").on("invites").columns(["party_id", "created_at"]).execute();

    await db.schema
      .createTable("outbox")
      .addColumn("message_id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("case_id", "text", (c) => c.notNull())
      .addColumn("party_id", "text", (c) => c.notNull())
      .addColumn("invite_id", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("recipient", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("outbox_org_message").on("outbox").columns(["org_id", "message_id"]).execute();

    await db.schema
      .createTable("audit")
      .addColumn("audit_id", "text", (c) => c.primaryKey())
      .addColumn("org_id", "text", (c) => c.notNull())
      .addColumn("case_id", "text", (c) => c.notNull())
      .addColumn("actor_type", "text", (c) => c.notNull())
      .addColumn("actor_id", "text", (c) => c.notNull())
      .addColumn("actor_token_kind", "text", (c) => c.notNull())
      .addColumn("actor_identifier", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target_id", "text", (c) => c.notNull())
      .addColumn("request_id", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("audit_org_audit").on("audit").columns(["org_id", "audit_id"]).execute();

    await db.schema
      .createTable("token_failures")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("address", "text", (c) => c.notNull())
      .addColumn("client_id", "text", (c) => c.notNull())
      .addColumn("failed_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("token_failures_address")
      .on("token_failures")
      .columns(["address", "failed_at"])
      .execute();
    await db.schema
      .createIndex("token_failures_address_client")
      .on("token_failures")
      .columns(["address", "client_id", "failed_at"])
      .execute();
  },
};

// Idempotency-Key records. The primary key is the scope (integration, method, path, key), so two processes
// claiming one key at once cannot both win; created_at is indexed for the 24-hour purge.
const idempotencyKeys: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable("idempotency_keys")
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("method", "text", (c) => c.notNull())
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("idempotency_key", "text", (c) => c.notNull())
      .addColumn("request_hash", "text", (c) => c.notNull())
      .addColumn("owner", "text")
      .addColumn("locked_until", "bigint", (c) => c.notNull())
      .addColumn("response_status", "integer")
      .addColumn("response_headers", "text")
      .addColumn("response_body", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("idempotency_keys_pk", ["app_id", "method", "path", "idempotency_key"])
      .execute();
    await db.schema.createIndex("idempotency_keys_created").on("idempotency_keys").column("created_at").execute();
  },
};

// `integration rotate-secret --revoke-tokens`: tokens issued before this second (unix seconds) are refused.
const tokenRevocation: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable("integrations").addColumn("tokens_valid_from", "bigint").execute();
  },
};

/**
 * NFC, then what the spec's FreeText pattern refuses taken out: its middle character class lists the refused
 * characters, so the cleaner follows the spec if that list grows.
 */
function legacyTextCleaner(): (value: string) => string {
  const contract = loadContract();
  const pattern = String(contract.readSchema(contract.schema("FreeText"))?.pattern ?? "");
  const refusedSet = /\(\[\^(.*?)\]\*/.exec(pattern)?.[1];
  if (!refusedSet)
    throw new Error("FreeText's pattern no longer has the shape ^x([^refused]*x)?$ this migration reads");
  const refused = new RegExp(`[${refusedSet}]`, "gu");
  const valid = new RegExp(pattern, "u");
  return (value) => {
    const cleaned = value.normalize("NFC").replace(refused, "").trim();
    return valid.test(cleaned) ? cleaned : "(unnamed)";
  };
}

// Free text is stored in NFC (CONTRACT.md, decisions after 1.0.0). Rows written before are normalised, except a
// matterRef whose NFC form another case of the firm already holds: that look-alike is kept as written (so the
// unique constraint, now on normalised values, still holds) and `npm run admin -- cases lookalikes` reports it.
const normaliseFreeText: Migration = {
  async up(db: Kysely<any>) {
    const cases = await db.selectFrom("cases").select(["case_id", "org_id", "matter_ref"]).execute();
    const taken = new Set(cases.map((c) => `${c.org_id}\n${c.matter_ref}`));
    for (const c of cases) {
      const nfc = c.matter_ref.normalize("NFC");
      if (nfc === c.matter_ref || taken.has(`${c.org_id}\n${nfc}`)) continue;
      taken.add(`${c.org_id}\n${nfc}`);
      await db.updateTable("cases").set({ matter_ref: nfc }).where("case_id", "=", c.case_id).execute();
    }
    // Names and roles appear in responses, whose schema is FreeText too: one stored by 1.0.0 with a character
    // 1.1.0 refuses would make every answer that lists it a 500. Such values are cleaned instead (nothing is
    // unique about them): refused characters dropped, whitespace trimmed, "(unnamed)" where nothing is left.
    const clean = legacyTextCleaner();
    for (const [table, key, columns] of [
      ["parties", "party_id", ["name", "role"]],
      ["users", "user_id", ["name", "role"]],
    ] as const) {
      const rows = await db
        .selectFrom(table)
        .select([key, ...columns])
        .execute();
      for (const row of rows) {
        const changed = Object.fromEntries(
          columns.filter((c) => typeof row[c] === "string" && row[c] !== clean(row[c])).map((c) => [c, clean(row[c])]),
        );
        if (Object.keys(changed).length > 0)
          await db.updateTable(table).set(changed).where(key, "=", row[key]).execute();
      }
    }
  },
};

// Each outbox message keeps the destination invites are counted by (the E.164 number for SMS, the email address
// lower-cased), so that the invite limits per firm and destination, and per firm and channel, are index range
// scans. Existing messages get theirs from the recipient.
const inviteDestinations: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable("outbox")
      .addColumn("destination", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db
      .updateTable("outbox")
      .set({ destination: sql`case when channel = 'email' then lower(recipient) else recipient end` })
      .execute();
    await db.schema
      .createIndex("outbox_org_channel_destination")
      .on("outbox")
      .columns(["org_id", "channel", "destination", "created_at"])
      .execute();
    await db.schema
      .createIndex("outbox_org_channel_created")
      .on("outbox")
      .columns(["org_id", "channel", "created_at"])
      .execute();
  },
};

export const migrations: MigrationProvider = {
  async getMigrations() {
    return {
      "0001_initial": initial,
      "0002_idempotency_keys": idempotencyKeys,
      "0003_invite_destinations": inviteDestinations,
      "0004_token_revocation": tokenRevocation,
      // Reads the spec's FreeText pattern: kept last so that its test can re-run it on a store made before it.
      "0005_normalise_free_text": normaliseFreeText,
    };
  },
};
