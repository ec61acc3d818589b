// Firms (with their enabled scopes) and their users.
import type { Queryable } from "./handles.ts";
import { newId } from "./ids.ts";
import { preparedQuery } from "./prepared-query.ts";

export interface Firm {
  orgId: string;
  name: string;
  scopes: string[];
  createdAt: string;
}

export interface User {
  userId: string;
  orgId: string;
  name: string;
  email: string;
  role: string;
}

export async function insertFirm(db: Queryable, input: { name: string; scopes: string[]; now: Date }): Promise<Firm> {
  const firm: Firm = {
    orgId: newId("org"),
    name: input.name,
    scopes: input.scopes,
    createdAt: input.now.toISOString(),
  };
  await db
    .insertInto("firms")
    .values({ org_id: firm.orgId, name: firm.name, scopes: JSON.stringify(firm.scopes), created_at: firm.createdAt })
    .execute();
  return firm;
}

export async function findFirm(db: Queryable, orgId: string): Promise<Firm | undefined> {
  const row = await db.selectFrom("firms").selectAll().where("org_id", "=", orgId).executeTakeFirst();
  return row && { orgId: row.org_id, name: row.name, scopes: JSON.parse(row.scopes), createdAt: row.created_at };
}

export async function updateFirmScopes(db: Queryable, orgId: string, scopes: string[]): Promise<boolean> {
  const result = await db
    .updateTable("firms")
    .set({ scopes: JSON.stringify(scopes) })
    .where("org_id", "=", orgId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertUser(
  db: Queryable,
  input: { orgId: string; name: string; email: string; role: string; now: Date },
): Promise<User> {
  const user: User = {
    userId: newId("user"),
    orgId: input.orgId,
    name: input.name,
    email: input.email,
    role: input.role,
  };
  await db
    .insertInto("users")
    .values({
      user_id: user.userId,
      org_id: user.orgId,
      name: user.name,
      email: user.email,
      role: user.role,
      created_at: input.now.toISOString(),
    })
    .execute();
  return user;
}

function usersPageQuery(db: Queryable, orgId: string, afterId: string | null, limit: number) {
  let query = db.selectFrom("users").selectAll().where("org_id", "=", orgId);
  if (afterId !== null) query = query.where("user_id", ">", afterId);
  return query.orderBy("user_id").limit(limit);
}

// Read on every listUsers call: its two shapes (first page, page after a cursor) are prepared.
const firstUsersPage = preparedQuery((db, orgId: string, limit: number) => usersPageQuery(db, orgId, null, limit));
const usersPageAfter = preparedQuery((db, orgId: string, afterId: string, limit: number) =>
  usersPageQuery(db, orgId, afterId, limit),
);

/** One keyset page of a firm's users, ascending by id, starting after `afterId`. */
export async function listUsersPage(
  db: Queryable,
  orgId: string,
  afterId: string | null,
  limit: number,
): Promise<User[]> {
  const rows =
    afterId === null ? await firstUsersPage(db, orgId, limit) : await usersPageAfter(db, orgId, afterId, limit);
  return rows.map((r) => ({ userId: r.user_id, orgId: r.org_id, name: r.name, email: r.email, role: r.role }));
}
