// Every constraint of a schema, at every depth, as probes: one change to a valid value that breaks exactly that
// constraint (the request must be refused), and one that sits exactly on its boundary (it must be accepted). The
// probes are read from the schema's keywords; nothing here knows an operation or a field.
import type { SuiteSpec } from "./spec.ts";
import { fits, isRecord, typeOf, type Schema } from "./values.ts";
import type { ReferenceObject, SchemaObject } from "../../contract/index.ts";

/** Where a value is sent: on the wire, everything but a body is text, so only a body can carry a wrong JSON type. */
export type Place = "body" | "path" | "query" | "header";

export interface Probe {
  /** Segments below the input's root: ["parties", "0", "email"]. */
  at: string[];
  /** The keyword and its value, as the spec writes it: "maxLength 100", "required", "additionalProperties false". */
  constraint: string;
  /** Whether a conforming server refuses the changed value or accepts it. */
  expect: "refused" | "accepted";
  /** The changed value at `at`, from the valid one there; REMOVE to leave it out. */
  change(valid: unknown): unknown;
}

export const REMOVE = Symbol("remove");

/** The name of a property no closed object declares. */
export const UNDECLARED = "undeclaredProperty";

interface Walk {
  spec: SuiteSpec;
  place: Place;
  /** Property names whose valid values come from elsewhere (ids of earlier answers, credentials): no boundaries. */
  external: ReadonlySet<string>;
}

/** Every probe for a value of `node`, given one valid value of it (which fixes array lengths and present keys). */
export function probes(
  spec: SuiteSpec,
  node: SchemaObject | ReferenceObject | undefined,
  valid: unknown,
  place: Place,
  external: ReadonlySet<string> = new Set(),
  rootExternal = false,
): Probe[] {
  return walk(spec.read(node), valid, [], { spec, place, external }, rootExternal);
}

function walk(schema: Schema, valid: unknown, at: string[], w: Walk, isExternal: boolean): Probe[] {
  const out: Probe[] = [];
  const refuse = (constraint: string, change: (v: unknown) => unknown) =>
    out.push({ at, constraint, expect: "refused", change });
  const accept = (constraint: string, change: (v: unknown) => unknown) => {
    if (!isExternal) out.push({ at, constraint, expect: "accepted", change });
  };
  const type = typeOf(schema);

  if (type && (w.place === "body" || type !== "string")) refuse(`type ${type}`, () => wrongType(type, w.place));
  if (type === "integer") refuse("type integer (a fraction)", (v) => Number(v) + 0.5);

  if (type === "string" && typeof valid === "string") {
    const { minLength, maxLength } = schema;
    if (minLength && minLength > 0 && w.place !== "path")
      refuse(`minLength ${minLength}`, (v) => String(v).slice(0, minLength - 1));
    if (maxLength !== undefined) {
      refuse(`maxLength ${maxLength}`, (v) => pad(String(v), maxLength + 1));
      // Only where the pattern lets the value grow with plain letters (free text, not a phone number).
      if (!schema.enum && !schema.format && growsWithLetters(schema, valid))
        accept(`maxLength ${maxLength}`, (v) => pad(String(v), maxLength));
    }
    if (schema.pattern) {
      const broken = breakPattern(schema, valid, w.place);
      if (broken !== undefined) refuse(`pattern ${schema.pattern}`, () => broken);
    }
    if (schema.format === "email") refuse("format email", () => "not-an-email");
    if (schema.format === "uuid") refuse("format uuid", () => "not-a-uuid");
  }
  if (schema.enum) {
    refuse(`enum ${JSON.stringify(schema.enum)}`, () => `not-${String(schema.enum?.[0])}`);
    accept(`enum, last value ${JSON.stringify(schema.enum.at(-1))}`, () => schema.enum?.at(-1));
  }
  if (type === "integer" || type === "number") {
    if (schema.minimum !== undefined) {
      const { minimum } = schema;
      refuse(`minimum ${minimum}`, () => minimum - 1);
      accept(`minimum ${minimum}`, () => minimum);
    }
    if (schema.maximum !== undefined) {
      const { maximum } = schema;
      refuse(`maximum ${maximum}`, () => maximum + 1);
      accept(`maximum ${maximum}`, () => maximum);
    }
  }

  if (type === "array" && Array.isArray(valid)) {
    const items = w.spec.read(schema.items);
    const fill = (v: unknown, n: number) => {
      const list = v as unknown[];
      if (schema.uniqueItems && items.enum && n <= items.enum.length) return items.enum.slice(0, n);
      return Array.from({ length: n }, (_, i) => structuredClone(list[i % Math.max(list.length, 1)]));
    };
    if (schema.minItems && schema.minItems > 0)
      refuse(`minItems ${schema.minItems}`, (v) => fill(v, schema.minItems! - 1));
    if (schema.maxItems !== undefined) {
      refuse(`maxItems ${schema.maxItems}`, (v) => fill(v, schema.maxItems! + 1));
      accept(`maxItems ${schema.maxItems}`, (v) => fill(v, schema.maxItems!));
    }
    if (schema.uniqueItems && valid.length > 0)
      refuse("uniqueItems", (v) => [(v as unknown[])[0], (v as unknown[])[0]]);
    if (valid.length > 0) out.push(...walk(items, valid[0], [...at, "0"], w, isExternal));
  }

  if (type === "object" && isRecord(valid)) {
    for (const name of schema.required ?? []) {
      out.push({ at: [...at, name], constraint: "required", expect: "refused", change: () => REMOVE });
    }
    if (schema.additionalProperties === false) {
      out.push({
        at: [...at, UNDECLARED],
        constraint: "additionalProperties false",
        expect: "refused",
        change: () => "unexpected",
      });
    }
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (name in valid)
        out.push(...walk(w.spec.read(sub), valid[name], [...at, name], w, isExternal || w.external.has(name)));
    }
  }
  return out;
}

function wrongType(type: string, place: Place): unknown {
  if (place !== "body") return "not-a-number";
  if (type === "string") return 42;
  if (type === "object") return [];
  if (type === "array") return {};
  return "not-a-number";
}

function growsWithLetters(schema: Schema, value: string): boolean {
  return fits({ ...schema, minLength: 0, maxLength: undefined }, `${value}x`);
}

/** `value` grown with letters or cut to `length`. */
function pad(value: string, length: number): string {
  return value.length >= length ? value.slice(0, length) : value.padEnd(length, "x");
}

/**
 * A value of allowed length that the pattern refuses: the valid one with an odd character appended, or the odd
 * character alone. In a header only what HTTP can carry counts (no control characters).
 */
function breakPattern(schema: Schema, valid: string, place: Place): string | undefined {
  const pattern = new RegExp(schema.pattern ?? "", "u");
  const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
  const candidates = ["\u0007", "\u007f", "é", " ", "!"].flatMap((c) => [
    `${valid.slice(0, Math.max(0, max - 1))}${c}`,
    c.repeat(schema.minLength ?? 1),
  ]);
  return candidates.find(
    (c) =>
      !pattern.test(c) &&
      c.length >= (schema.minLength ?? 0) &&
      c.length <= max &&
      (place !== "header" || sendableInHeader(c)),
  );
}

/** RFC 9110's field-value characters (VCHAR, space, tab, obs-text): what an HTTP client can put in a header. */
function sendableInHeader(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
}
/** A deep copy of `root` with the value at `at` changed (or removed). */
export function applyProbe(root: unknown, probe: Probe): unknown {
  if (probe.at.length === 0) return probe.change(root);
  const copy = structuredClone(root) as Record<string, unknown>;
  let parent: Record<string, unknown> = copy;
  for (const key of probe.at.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = probe.at.at(-1)!;
  const changed = probe.change(parent[last]);
  if (changed === REMOVE) delete parent[last];
  else parent[last] = changed;
  return copy;
}
