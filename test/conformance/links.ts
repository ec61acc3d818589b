// The spec's OpenAPI links, followed: an operation whose path parameters (or, through the documented extension
// `x-request-body-fields`, body fields) come from another operation's answer gets them by sending that
// operation's valid request and reading the values the link names. So an operation that declares its links is
// exercised end to end without code in the suite.
import type { Operation } from "../../contract/index.ts";
import type { CheckContext } from "./context.ts";
import { absentIds, sendValid, validParts, type Parts, type Target } from "./requests.ts";
import type { SuiteSpec } from "./spec.ts";

/** The extension that sets single request-body fields from a link (a Link Object's `requestBody` sets all of it). */
export const BODY_FIELDS = "x-request-body-fields";

interface Link {
  operationId?: string;
  parameters?: Record<string, string>;
  [BODY_FIELDS]?: Record<string, string>;
}

export interface LinkSource {
  from: Operation;
  /** The name of the link in the source's response. */
  name: string;
  link: Link;
}

/** Every link, in any operation's 2xx responses, that leads to `op`. */
export function linksTo(spec: SuiteSpec, op: Operation): LinkSource[] {
  return spec.contract.operations.flatMap((from) =>
    Object.entries(from.responses)
      .filter(([status]) => status.startsWith("2"))
      .flatMap(([, response]) =>
        Object.entries((response.links ?? {}) as Record<string, Link>)
          .map(([name, raw]) => ({ from, name, link: spec.contract.resolve<Link>(raw) }))
          .filter((s) => s.link.operationId === op.operationId),
      ),
  );
}

/** The inputs an operation needs from an earlier answer: its path parameters. */
function neededNames(op: Operation): string[] {
  return op.parameters.filter((p) => p.in === "path").map((p) => p.name);
}

/** A link that gives every input the operation needs, from a source that itself needs no link back to it. */
function linkFor(spec: SuiteSpec, op: Operation): LinkSource | undefined {
  const needed = neededNames(op);
  return linksTo(spec, op).find(({ link, from }) => {
    const given = new Set([...Object.keys(link.parameters ?? {}), ...Object.keys(link[BODY_FIELDS] ?? {})]);
    return from !== op && needed.every((name) => given.has(name));
  });
}

/** A runtime expression's value ($response.body#/ptr, $request.path.name, $request.body#/ptr, $request.query.name). */
function evaluate(expression: string, request: Parts, responseBody: unknown): unknown {
  const [source, pointer] = expression.split("#");
  const at = (root: unknown) =>
    (pointer ?? "")
      .split("/")
      .slice(1)
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
  if (source === "$response.body") return at(responseBody);
  if (source === "$request.body") return at(request.body);
  const [, place, name] = source.match(/^\$request\.(path|query|header)\.(.+)$/) ?? [];
  return place ? request[place as "path" | "query" | "header"][name] : undefined;
}

/** Whether `op` can only aim at something the run must first create, which a read-only run may not. */
export function needsWrittenTarget(ctx: CheckContext, op: Operation): boolean {
  const source = linkFor(ctx.spec, op);
  return ctx.options.readOnly && source !== undefined && neededNames(op).length > 0 && source.from.writes;
}

/**
 * The target a valid request of `op` aims at: values followed from the links that lead to it, once per run for
 * each operation (the source's own request is targeted the same way). Where the run may not write, or no link
 * leads to the operation, ids that exist nowhere.
 */
export function linkedTarget(ctx: CheckContext, op: Operation): Promise<Target> {
  const absent = absentIds(ctx);
  const source = linkFor(ctx.spec, op);
  if (!source || neededNames(op).length === 0) return Promise.resolve(absent);
  if (ctx.options.readOnly && source.from.writes) return Promise.resolve(absent);
  return ctx.once(`link:${source.from.operationId}>${source.name}`, async () => {
    const upstream = await linkedTarget(ctx, source.from);
    const request = validParts(ctx.values, source.from, upstream);
    const result = await sendValid(ctx, source.from, source.from.scope ? ctx.bearer() : {}, upstream, request);
    ctx.require(
      result.status >= 200 && result.status < 300,
      `following link ${source.name} from ${source.from.operationId}: its request got ${result.status}`,
      result.exchange,
    );
    result.exchange.link = `${source.from.operationId}.${source.name}`;
    const body = result.data;
    const values: Record<string, string> = {};
    for (const [name, expression] of Object.entries({ ...source.link.parameters, ...source.link[BODY_FIELDS] })) {
      const value = evaluate(expression, request, body);
      ctx.require(
        typeof value === "string" || typeof value === "number",
        `following link ${source.name} from ${source.from.operationId}: ${expression} has no value`,
        result.exchange,
      );
      values[name] = String(value);
    }
    return values;
  });
}
