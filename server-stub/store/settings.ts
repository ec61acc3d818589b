// Named values several processes must share (the cursor HMAC key, the demo integration's id).
import type { Queryable } from "./handles.ts";

export async function getSetting(db: Queryable, name: string): Promise<string | undefined> {
  const row = await db.selectFrom("settings").select("value").where("name", "=", name).executeTakeFirst();
  return row?.value;
}

/** Stores `value` unless the setting exists, and returns the stored one: the first writer wins, without a race. */
export async function getOrCreateSetting(db: Queryable, name: string, create: () => string): Promise<string> {
  const existing = await getSetting(db, name);
  if (existing !== undefined) return existing;
  await db
    .insertInto("settings")
    .values({ name, value: create() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return (await getSetting(db, name))!;
}

export async function setSetting(db: Queryable, name: string, value: string): Promise<void> {
  await db
    .insertInto("settings")
    .values({ name, value })
    .onConflict((oc) => oc.column("name").doUpdateSet({ value }))
    .execute();
}
