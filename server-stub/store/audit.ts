// Audit rows: one per case, party and invite action, written in the same transaction as the action.
import type { Queryable } from "./handles.ts";
import { newId } from "./ids.ts";
import { preparedInsert } from "./prepared-query.ts";

/** Written in the same transaction as every case, party and invite action: prepared, see prepared-query.ts. */
const insertAuditRows = preparedInsert("audit");

export type AuditAction = "case.created" | "party.added" | "invite.sent";

/** Who did it, as the audit row records it: a MicroApp acting with a system token. */
export interface AuditActor {
  appId: string;
  identifier: string;
}

/** An audit row as the admin CLI prints it (the shape ../shared/CONTRACT.md gives under "Audit"). */
export interface AuditEntry {
  auditId: string;
  actorType: string;
  actorId: string;
  meta: { actorTokenKind: string; actorIdentifier: string };
  action: string;
  targetId: string;
  caseId: string;
  orgId: string;
  requestId: string;
  createdAt: string;
}

export interface NewAuditEntry {
  orgId: string;
  caseId: string;
  actor: AuditActor;
  action: AuditAction;
  targetId: string;
  requestId: string;
}

export async function insertAudit(db: Queryable, entry: NewAuditEntry, now: Date): Promise<void> {
  await insertAuditEntries(db, [entry], now);
}

/** Several audit rows in one statement, their ids (and so their order) following the array's. */
export async function insertAuditEntries(db: Queryable, entries: NewAuditEntry[], now: Date): Promise<void> {
  if (entries.length === 0) return;
  const createdAt = now.toISOString();
  await insertAuditRows(
    db,
    entries.map((entry) => ({
      audit_id: newId("audit"),
      org_id: entry.orgId,
      case_id: entry.caseId,
      actor_type: "microApp",
      actor_id: entry.actor.appId,
      actor_token_kind: "system",
      actor_identifier: entry.actor.identifier,
      action: entry.action,
      target_id: entry.targetId,
      request_id: entry.requestId,
      created_at: createdAt,
    })),
  );
}

/** What an operator did from the admin CLI, as its audit row records it (no case: caseId and requestId are ""). */
export interface AdminAuditEntry {
  orgId: string;
  /** "integration.unlocked", "firm.scopes_changed" */
  action: string;
  /** The integration (appId) or firm (orgId) acted on. */
  targetId: string;
  /** The operating-system user who ran the CLI. */
  operator: string;
}

export async function insertAdminAudit(db: Queryable, entry: AdminAuditEntry, now: Date): Promise<void> {
  await db
    .insertInto("audit")
    .values({
      audit_id: newId("audit"),
      org_id: entry.orgId,
      case_id: "",
      actor_type: "admin",
      actor_id: entry.operator,
      actor_token_kind: "cli",
      actor_identifier: "admin-cli",
      action: entry.action,
      target_id: entry.targetId,
      request_id: "",
      created_at: now.toISOString(),
    })
    .execute();
}

/** A firm's audit rows, newest first. */
export async function listAudit(db: Queryable, orgId: string, limit: number): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom("audit")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("audit_id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    auditId: r.audit_id,
    actorType: r.actor_type,
    actorId: r.actor_id,
    meta: { actorTokenKind: r.actor_token_kind, actorIdentifier: r.actor_identifier },
    action: r.action,
    targetId: r.target_id,
    caseId: r.case_id,
    orgId: r.org_id,
    requestId: r.request_id,
    createdAt: r.created_at,
  }));
}
