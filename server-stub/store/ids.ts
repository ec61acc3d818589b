// Opaque ids: a type prefix and a UUIDv7 without hyphens. Lowercase hex of a UUIDv7 sorts by creation time,
// so "ordered by id" is "ordered by creation" (keyset pagination relies on it).
import { uuidv7 } from "uuidv7";

export type IdPrefix = "org" | "case" | "party" | "invite" | "user" | "audit" | "msg";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${uuidv7().replaceAll("-", "")}`;
}
