// The paged operations, read from the spec rather than listed: an operation whose 2xx answer links back to itself,
// setting a query parameter (the cursor) from a field of its body (the next cursor). The page's items are the
// answer's array property; an item is its own id (a list of ids) or carries it in its first required `...Id`
// property; the page size is the operation's integer query parameter with a maximum.
import type { Operation } from "../../contract/index.ts";
import { linksTo } from "./links.ts";
import type { SuiteSpec } from "./spec.ts";
import { typeOf } from "./values.ts";

export interface PagedOperation {
  op: Operation;
  cursor: string;
  limit: string;
  nextCursor: string;
  items: string;
  /** The property of an item that is its id, or undefined when an item is the id itself. */
  idProperty?: string;
}

function paged(spec: SuiteSpec, op: Operation): PagedOperation | undefined {
  const read = spec.read.bind(spec);
  const self = linksTo(spec, op).find((source) => source.from === op);
  const [cursor, expression] = Object.entries(self?.link.parameters ?? {})[0] ?? [];
  const nextCursor = /^\$response\.body#\/(\w+)$/.exec(expression ?? "")?.[1];
  if (!cursor || !nextCursor) return undefined;
  const status = Object.keys(op.responses).find((s) => s.startsWith("2"));
  const body = read(op.responses[status ?? ""]?.content?.["application/json"]?.schema);
  const [items, itemsSchema] =
    Object.entries(body.properties ?? {}).find(([, schema]) => typeOf(read(schema)) === "array") ?? [];
  const limit = op.parameters.find(
    (p) => p.in === "query" && typeOf(read(p.schema)) === "integer" && read(p.schema).maximum !== undefined,
  );
  if (!items || !itemsSchema || !limit) return undefined;
  const item = read(read(itemsSchema).items);
  const idProperty = typeOf(item) === "object" ? (item.required ?? []).find((name) => /Id$/.test(name)) : undefined;
  return { op, cursor, limit: limit.name, nextCursor, items, idProperty };
}

export function pagedOperations(spec: SuiteSpec): PagedOperation[] {
  return spec.contract.operations.flatMap((op) => [paged(spec, op)].filter((p) => p !== undefined));
}

/** The lists a created case must appear in: those the spec's rule `created-case-listed` holds for. */
export function caseListIds(spec: SuiteSpec): readonly string[] {
  return spec.rules.find((rule) => rule.id === "created-case-listed")?.operationIds ?? [];
}
