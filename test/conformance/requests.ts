// A valid request for any operation of the contract, built from the spec, and the probes of every input it has.
// The ids a request needs (a caseId in the path, a partyId in the body) come from a target: values by name taken
// from earlier answers (the run's fixtures), or ids that exist nowhere, which a conforming server refuses on the
// token or the input before it looks anything up.
import type { MediaTypeObject, ExampleObject, Operation } from "../../contract/index.ts";
import { asWritten, type CallResult } from "./client.ts";
import { applyProbe, probes, UNDECLARED, type Place, type Probe } from "./constraints.ts";
import type { CheckContext } from "./context.ts";
import { isRecord, type ValueFactory } from "./values.ts";

export type Target = Readonly<Record<string, string>>;

export interface Parts {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  header: Record<string, unknown>;
  body: unknown;
}

export interface InputProbe extends Probe {
  place: Place;
  /** The parameter's name, or "" for the body. */
  name: string;
  /** Where the probe changes the request, as a `details` entry's path names it: "/body/parties/0/email". */
  pointer: string;
  /** The value changed, for an optional parameter a valid request leaves out. */
  base?: unknown;
}

/** Ids no firm has, by the names the operations use: short enough for the schema, so the answer is a 404. */
export function absentIds(ctx: { runId: string }): Target {
  const suffix = ctx.runId.slice(-6);
  return { caseId: `case_conformance_absent_${suffix}`, partyId: `party_conformance_absent_${suffix}` };
}

/** The operation's first request example (the spec's own valid request), if it has one. */
function firstExample(values: ValueFactory, op: Operation): unknown {
  const media = op.requestBody?.content?.["application/json"] as MediaTypeObject | undefined;
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const [first] = Object.values(media.examples ?? {});
  return first && values.spec.contract.resolve<ExampleObject>(first).value;
}

/**
 * A parameter's value is the suite's to make when the parameter is required or the spec gives an example; an
 * optional one without an example (an opaque cursor) is valid only as some answer gave it, so it is left out.
 */
export const makeable = (p: Operation["parameters"][number]) => p.required === true || p.example !== undefined;

/** A valid request: every body property present, required and exemplified parameters set, ids from the target. */
export function validParts(values: ValueFactory, op: Operation, target: Target): Parts {
  const parts: Parts = { path: {}, query: {}, header: {}, body: undefined };
  for (const p of op.parameters) {
    if (p.in === "cookie") continue;
    const value = target[p.name] ?? (makeable(p) ? values.valid(p.schema, p.example) : undefined);
    if (value !== undefined) parts[p.in as Exclude<Place, "body">][p.name] = value;
  }
  if (op.requestSchema) {
    const body = values.valid(op.requestSchema, firstExample(values, op));
    if (isRecord(body)) for (const key of Object.keys(body)) if (key in target) body[key] = target[key];
    parts.body = body;
  }
  return parts;
}

/** Every probe of every input of the operation: parameters, an undeclared query parameter, the body at every depth. */
export function inputProbes(values: ValueFactory, op: Operation, target: Target): InputProbe[] {
  const sample = validParts(values, op, target);
  const external = new Set([...Object.keys(target), ...values.givenNames]);
  const out: InputProbe[] = [];
  for (const p of op.parameters) {
    if (p.in === "cookie") continue;
    const place = p.in as Exclude<Place, "body">;
    const base = sample[place][p.name] ?? values.valid(p.schema);
    const isExternal = external.has(p.name) || !makeable(p);
    for (const probe of probes(values.spec, p.schema, base, place, new Set(), isExternal))
      out.push({ ...probe, place, name: p.name, pointer: `/${place}/${p.name}`, base });
  }
  out.push({
    at: [],
    constraint: "no undeclared query parameter",
    expect: "refused",
    change: () => "1",
    place: "query",
    name: UNDECLARED,
    pointer: `/query/${UNDECLARED}`,
  });
  if (op.requestSchema) {
    for (const probe of probes(values.spec, op.requestSchema, sample.body, "body", external))
      out.push({ ...probe, place: "body", name: "", pointer: ["/body", ...probe.at].join("/") });
  }
  return out;
}

/** A fresh valid request with one probe applied. */
export function probedParts(values: ValueFactory, op: Operation, target: Target, probe: InputProbe): Parts {
  const parts = validParts(values, op, target);
  if (probe.place === "body") parts.body = applyProbe(parts.body, probe);
  else {
    const changed = applyProbe(parts[probe.place][probe.name] ?? probe.base, probe);
    parts[probe.place][probe.name] = changed;
  }
  return parts;
}

/** What a probe is, for a failure message: "/body/matterRef breaks maxLength 100". */
export function describeProbe(probe: InputProbe): string {
  return `${probe.pointer} ${probe.expect === "refused" ? "breaks" : "exactly on"} ${probe.constraint}`;
}

/** Sends the request, with `auth` headers; a raw body is sent as written with its media type. */
export async function sendParts(
  ctx: CheckContext,
  op: Operation,
  parts: Parts,
  auth: Record<string, string>,
  raw?: { body: string; contentType: string },
  probe?: InputProbe,
): Promise<CallResult> {
  const headers = Object.fromEntries(Object.entries(parts.header).map(([k, v]) => [k, String(v)]));
  const init = {
    params: { path: parts.path, query: parts.query },
    headers: { ...headers, ...auth, ...(raw ? { "Content-Type": raw.contentType } : {}) },
    ...(raw ? { body: raw.body, bodySerializer: asWritten } : parts.body !== undefined ? { body: parts.body } : {}),
  };
  // The typed client's methods are keyed by literal paths; the generic layer holds the path as data.
  const method = ctx.api[op.method as "POST"].bind(ctx.api) as (path: string, init: unknown) => Promise<never>;
  const result = await ctx.call(method(op.path, init));
  if (probe) result.exchange.probe = describeProbe(probe);
  return result;
}

/** The operation's valid request against `target` (or the one given), sent with `auth`. */
export function sendValid(
  ctx: CheckContext,
  op: Operation,
  auth: Record<string, string>,
  target: Target = absentIds(ctx),
  parts: Parts = validParts(ctx.values, op, target),
): Promise<CallResult> {
  return sendParts(ctx, op, parts, auth);
}

/** The operation's documented success status (its first 2xx). */
export function successStatus(op: Operation): number {
  return Number(op.statuses.find((s) => s.startsWith("2")) ?? 200);
}
