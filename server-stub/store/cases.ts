// Cases, their parties and the invites sent to them. Every lookup is scoped to the firm, so another firm's
// case or party is simply not found.
import type { Queryable, Trx } from "./handles.ts";
import { newId } from "./ids.ts";
import { preparedInsert, preparedQuery, preparedStatement } from "./prepared-query.ts";

// Every createCase and addParty runs these: prepared, and run on the transaction's connection directly on SQLite.
const insertCases = preparedInsert("cases");
const insertPartyRows = preparedInsert("parties");

export interface NewParty {
  name: string;
  email?: string;
  mobile?: string;
  role?: string;
  partyType?: "individual" | "company";
  isPrimaryContact?: boolean;
}

export interface Party {
  partyId: string;
  caseId: string;
  orgId: string;
  name: string;
  email: string | null;
  mobile: string | null;
  role: string | null;
  clientAccessStatus: "not_sent" | "sent";
}

export interface NewCase {
  orgId: string;
  matterRef: string;
  matterType?: string;
  propertyAddress?: object;
  requireSof?: boolean;
  createdByAppId: string;
}

/** Inserts the case row; a second (org, matterRef) fails on the unique constraint (duplicate_matter_ref). */
export async function insertCase(db: Queryable, input: NewCase, now: Date): Promise<string> {
  const caseId = newId("case");
  await insertCases(db, [
    {
      case_id: caseId,
      org_id: input.orgId,
      matter_ref: input.matterRef,
      matter_type: input.matterType ?? null,
      property_address: input.propertyAddress ? JSON.stringify(input.propertyAddress) : null,
      require_sof: input.requireSof ? 1 : 0,
      created_by_app_id: input.createdByAppId,
      created_at: now.toISOString(),
    },
  ]);
  return caseId;
}

export async function caseExists(db: Queryable, orgId: string, caseId: string): Promise<boolean> {
  const row = await db
    .selectFrom("cases")
    .select("case_id")
    .where("org_id", "=", orgId)
    .where("case_id", "=", caseId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Locks the firm's case row for the rest of the transaction (a write that changes nothing), so that checks on
 * its parties hold against concurrent requests on every database. False when there is no such case in the firm.
 */
export async function lockCase(trx: Trx, orgId: string, caseId: string): Promise<boolean> {
  return (await touchCase(trx, orgId, caseId)).changed === 1;
}

const touchCase = preparedStatement((db, orgId: string, caseId: string) =>
  db
    .updateTable("cases")
    .set((eb) => ({ require_sof: eb.ref("require_sof") }))
    .where("org_id", "=", orgId)
    .where("case_id", "=", caseId),
);

/** Read after lockCase, in the same transaction, so that no concurrent add changes the count before this one commits. */
export async function countParties(trx: Trx, caseId: string): Promise<number> {
  const [row] = await partiesOfCase(trx, caseId);
  return Number(row.n);
}

const partiesOfCase = preparedQuery((db, caseId: string) =>
  db
    .selectFrom("parties")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("case_id", "=", caseId),
);

export async function insertParty(
  db: Queryable,
  orgId: string,
  caseId: string,
  input: NewParty,
  now: Date,
): Promise<Party> {
  const [party] = await insertParties(db, orgId, caseId, [input], now);
  return party;
}

/** Several parties of one case in one statement. */
export async function insertParties(
  db: Queryable,
  orgId: string,
  caseId: string,
  inputs: NewParty[],
  now: Date,
): Promise<Party[]> {
  if (inputs.length === 0) return [];
  const createdAt = now.toISOString();
  const parties = inputs.map(
    (input): Party => ({
      partyId: newId("party"),
      caseId,
      orgId,
      name: input.name,
      email: input.email ?? null,
      mobile: input.mobile ?? null,
      role: input.role ?? null,
      clientAccessStatus: "not_sent",
    }),
  );
  await insertPartyRows(
    db,
    parties.map((party, i) => ({
      party_id: party.partyId,
      case_id: caseId,
      org_id: orgId,
      name: party.name,
      email: party.email,
      mobile: party.mobile,
      role: party.role,
      party_type: inputs[i].partyType ?? "individual",
      is_primary_contact: inputs[i].isPrimaryContact ? 1 : 0,
      client_access_status: party.clientAccessStatus,
      created_at: createdAt,
    })),
  );
  return parties;
}

export async function findParty(
  db: Queryable,
  orgId: string,
  caseId: string,
  partyId: string,
): Promise<Party | undefined> {
  const row = await db
    .selectFrom("parties")
    .selectAll()
    .where("org_id", "=", orgId)
    .where("case_id", "=", caseId)
    .where("party_id", "=", partyId)
    .executeTakeFirst();
  return (
    row && {
      partyId: row.party_id,
      caseId: row.case_id,
      orgId: row.org_id,
      name: row.name,
      email: row.email,
      mobile: row.mobile,
      role: row.role,
      clientAccessStatus: row.client_access_status,
    }
  );
}

/** Marks the party invited. Done before the invite limit is counted, it also locks the party's row. */
export async function markPartyInviteSent(trx: Trx, partyId: string): Promise<void> {
  await trx.updateTable("parties").set({ client_access_status: "sent" }).where("party_id", "=", partyId).execute();
}

/**
 * How many invites the party was sent after `since` (ISO time), and when the earliest of them was. Read after
 * markPartyInviteSent, in the same transaction, so that concurrent invites count one after the other.
 */
export async function invitesSince(
  trx: Trx,
  partyId: string,
  since: string,
): Promise<{ count: number; earliest: string | null }> {
  const row = await trx
    .selectFrom("invites")
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("created_at").as("earliest")])
    .where("party_id", "=", partyId)
    .where("created_at", ">", since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), earliest: row.earliest ?? null };
}

export async function insertInvite(
  db: Queryable,
  input: { orgId: string; caseId: string; partyId: string; channel: "email" | "sms" },
  now: Date,
): Promise<string> {
  const inviteId = newId("invite");
  await db
    .insertInto("invites")
    .values({ invite_id: inviteId, ...toColumns(input), created_at: now.toISOString() })
    .execute();
  return inviteId;
}

function toColumns(input: { orgId: string; caseId: string; partyId: string; channel: "email" | "sms" }) {
  return { org_id: input.orgId, case_id: input.caseId, party_id: input.partyId, channel: input.channel };
}

/** The query for one keyset page of a firm's case ids, ascending, after `afterId` (an index range scan). */
export function caseIdsPageQuery(db: Queryable, orgId: string, afterId: string | null, limit: number) {
  let query = db.selectFrom("cases").select("case_id").where("org_id", "=", orgId);
  if (afterId !== null) query = query.where("case_id", ">", afterId);
  return query.orderBy("case_id").limit(limit);
}

// A page of case ids is read on every listCaseIds call: its two shapes (first page, page after a cursor) are prepared.
const firstCaseIdsPage = preparedQuery((db, orgId: string, limit: number) => caseIdsPageQuery(db, orgId, null, limit));
const caseIdsPageAfter = preparedQuery((db, orgId: string, afterId: string, limit: number) =>
  caseIdsPageQuery(db, orgId, afterId, limit),
);

export async function listCaseIdsPage(
  db: Queryable,
  orgId: string,
  afterId: string | null,
  limit: number,
): Promise<string[]> {
  const rows =
    afterId === null ? await firstCaseIdsPage(db, orgId, limit) : await caseIdsPageAfter(db, orgId, afterId, limit);
  return rows.map((r) => r.case_id);
}

/** Inserts seed cases numbered first..first+count-1 (matterRef SEED-<batch>-<n>), for benchmarks. */
export async function insertSeedCases(
  db: Queryable,
  input: { orgId: string; batch: string; first: number; count: number; appId: string },
  now: Date,
): Promise<void> {
  const rowsPerStatement = 500;
  for (let start = 0; start < input.count; start += rowsPerStatement) {
    const values = [];
    for (let n = input.first + start; n < input.first + Math.min(input.count, start + rowsPerStatement); n++) {
      values.push({
        case_id: newId("case"),
        org_id: input.orgId,
        matter_ref: `SEED-${input.batch}-${n}`,
        matter_type: null,
        property_address: null,
        require_sof: 0,
        created_by_app_id: input.appId,
        created_at: now.toISOString(),
      });
    }
    await db.insertInto("cases").values(values).execute();
  }
}

/** Every case's matterRef in a firm (or in every firm), as stored: for the admin's look-alike report. */
export async function listMatterRefs(
  db: Queryable,
  orgId: string | undefined,
): Promise<{ orgId: string; caseId: string; matterRef: string }[]> {
  let query = db.selectFrom("cases").select(["org_id", "case_id", "matter_ref"]).orderBy("case_id");
  if (orgId !== undefined) query = query.where("org_id", "=", orgId);
  const rows = await query.execute();
  return rows.map((r) => ({ orgId: r.org_id, caseId: r.case_id, matterRef: r.matter_ref }));
}
