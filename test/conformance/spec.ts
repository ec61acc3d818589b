// The contract as the suite reads it: generated/openapi.yaml through the typed model, loaded once. Scope names and
// each operation's scope come from here, not from tables restated in the checks.
import { loadContract, rulesOf } from "../../contract/index.ts";
import type { Scope } from "./client.ts";

export const CONTRACT = loadContract();

/** The rules the spec states in words (x-rules), each with its id. */
export const RULES = rulesOf(CONTRACT);

/** The scope catalogue, in the spec's order. */
export const ALL_SCOPES = [...CONTRACT.scopeNames] as Scope[];

const scopes = new Map(CONTRACT.operations.map((op) => [op.operationId, op.scope]));

/** The one scope an operation needs, as its `security` declares it. */
export function scopeOf(operationId: string): Scope {
  const scope = scopes.get(operationId);
  if (!scope) throw new Error(`${operationId} is not a bearer-secured operation of the contract`);
  return scope as Scope;
}
