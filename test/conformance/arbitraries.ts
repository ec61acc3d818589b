// fast-check arbitraries for an operation's requests, built from the keywords its schemas use (fast-check reads no
// JSON Schema itself): type, enum, const, minLength/maxLength, pattern, formats, minimum/maximum, arrays and closed
// objects. A valid request follows every keyword; an invalid one is a valid one with one constraint broken, by one
// of the probes the generic checks send (constraints.ts). Run-unique values keep their rules: a property marked
// x-unique carries the run id, emails are run-unique example.com addresses, UK mobiles stay in the drama range.
import fc from "fast-check";
import type { Operation, ReferenceObject, SchemaObject } from "../../contract/index.ts";
import { applyProbe } from "./constraints.ts";
import { inputProbes, makeable, validParts, type InputProbe, type Parts, type Target } from "./requests.ts";
import { fits, isRecord, typeOf, UK_DRAMA_MOBILE, UNIQUE, type Schema, type ValueFactory } from "./values.ts";

/** Arrays stay short: the point is the values, not the request's size. */
const MAX_GENERATED_ITEMS = 3;
/** Bounds for numbers the schema leaves open. */
const OPEN_RANGE = 1_000_000;

/** An arbitrary of valid values for `node`; `name` is the property's name (given values are never generated). */
export function validValue(
  values: ValueFactory,
  node: SchemaObject | ReferenceObject | undefined,
  name?: string,
): fc.Arbitrary<unknown> {
  if (name !== undefined && values.givenNames.includes(name)) return fc.constant(values.valid(node, undefined, name));
  const schema = values.spec.read(node);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (typeOf(schema)) {
    case "string":
      return stringValue(values, schema);
    case "integer":
      return fc.integer({ min: schema.minimum ?? -OPEN_RANGE, max: schema.maximum ?? OPEN_RANGE });
    case "number":
      return fc.double({ min: schema.minimum ?? -OPEN_RANGE, max: schema.maximum ?? OPEN_RANGE, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "array": {
      const items = validValue(values, schema.items);
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS));
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    case "object": {
      const properties = Object.entries(schema.properties ?? {});
      // fc.record makes only the declared keys: the object is as closed as the schema says.
      return fc.record(Object.fromEntries(properties.map(([key, sub]) => [key, validValue(values, sub, key)])), {
        requiredKeys: (schema.required ?? []).filter((key) => key in (schema.properties ?? {})),
      });
    }
    default:
      return fc.constant(null);
  }
}

function stringValue(values: ValueFactory, schema: Schema): fc.Arbitrary<string> {
  const example = [schema.example, ...(schema.examples ?? [])].find((v) => typeof v === "string");
  if (schema.format === "email") return fc.constant(null).map(() => values.email());
  if (schema.format === "uuid") return fc.uuid();
  if (typeof example === "string" && UK_DRAMA_MOBILE.test(example))
    return fc.integer({ min: 0, max: 999 }).map((n) => `+447700900${String(n).padStart(3, "0")}`);
  const free = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern, "u")).filter((s) => fits({ ...schema, [UNIQUE]: false }, s))
    : fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
  if (!schema[UNIQUE]) return free;
  // A unique value is the run's own prefix (run id and a counter) and a generated tail, so the tail is fuzzed
  // and a second request never meets the uniqueness rule.
  return free.map((tail) => {
    const max = schema.maxLength ?? 100;
    const kept = tail.slice(0, Math.max(0, Math.floor(max / 2)));
    const value = `${values.unique(max - kept.length - 1)}-${kept}`;
    return fits(schema, value) ? value : values.unique(max);
  });
}

/** Valid requests: required and exemplified parameters (optional ones sometimes left out), ids from the target. */
export function validRequest(values: ValueFactory, op: Operation, target: Target): fc.Arbitrary<Parts> {
  const places = { path: {}, query: {}, header: {} } as Record<
    "path" | "query" | "header",
    Record<string, fc.Arbitrary<unknown>>
  >;
  for (const p of op.parameters) {
    if (p.in === "cookie") continue;
    const place = p.in as keyof typeof places;
    if (p.name in target) places[place][p.name] = fc.constant(target[p.name]);
    else if (makeable(p))
      places[place][p.name] = p.required ? validValue(values, p.schema) : fc.option(validValue(values, p.schema));
  }
  const body = op.requestSchema ? validValue(values, op.requestSchema) : fc.constant(undefined);
  return fc
    .record({ path: fc.record(places.path), query: fc.record(places.query), header: fc.record(places.header), body })
    .map((parts) => {
      for (const place of ["query", "header"] as const)
        for (const [key, value] of Object.entries(parts[place])) if (value === null) delete parts[place][key];
      if (isRecord(parts.body))
        for (const key of Object.keys(parts.body)) if (key in target) parts.body[key] = target[key];
      return parts as Parts;
    });
}

export interface InvalidRequest {
  parts: Parts;
  probe: InputProbe;
}

/** Invalid requests: a valid one with one constraint broken; the given credentials are never among the inputs broken. */
export function invalidRequest(
  values: ValueFactory,
  op: Operation,
  target: Target,
): fc.Arbitrary<InvalidRequest> | undefined {
  const given = new Set(values.givenNames);
  const refused = inputProbes(values, op, target).filter(
    (p) => p.expect === "refused" && !(p.place === "body" && p.at.some((segment) => given.has(segment))),
  );
  if (refused.length === 0) return undefined;
  const sample = validParts(values, op, target);
  return fc.tuple(validRequest(values, op, target), fc.constantFrom(...refused)).map(([parts, probe]) => {
    if (probe.place === "body") parts.body = applyProbe(graft(parts.body, sample.body, probe.at), probe);
    else parts[probe.place][probe.name] = applyProbe(parts[probe.place][probe.name] ?? probe.base, probe);
    return { parts, probe };
  });
}

/** `value` with whatever it lacks on the way to `at` (an optional property left out, an empty array) from `sample`. */
function graft(value: unknown, sample: unknown, at: string[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  let from = sample as Record<string, unknown> | undefined;
  for (const key of at) {
    from = from?.[key] as Record<string, unknown> | undefined;
    if (!isRecord(node) && !Array.isArray(node)) break;
    if (node[key] === undefined && from !== undefined) node[key] = structuredClone(from);
    node = node[key] as Record<string, unknown>;
  }
  return copy;
}
