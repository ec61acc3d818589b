// Valid request values, read from the spec: an operation's first request example, then values built from each
// schema, so that every optional property is present and its constraints can be broken one at a time. What must
// differ between runs is made fresh per run: a property marked `x-unique` carries the run id, email destinations
// are run-unique example.com addresses, UK mobiles come from Ofcom's drama range (07700 900000-900999).
import { randomInt, randomUUID } from "node:crypto";
import fc from "fast-check";
import type { ReferenceObject, SchemaKeywords, SchemaObject } from "../../contract/index.ts";
import type { SuiteSpec } from "./spec.ts";

/** The extension that marks a property whose value must be unique (a second one is refused). */
export const UNIQUE = "x-unique";

/** Every keyword the generic layer reads from a schema. */
export interface Schema extends SchemaKeywords {
  minLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  examples?: unknown[];
  [UNIQUE]?: boolean;
}

export function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
}

export const UK_DRAMA_MOBILE = /^\+447700900\d{3}$/;

/** Values the suite is given, not generated: the token exchange's credentials, by property name. */
export type Given = Readonly<Record<string, unknown>>;

export class ValueFactory {
  private counter = 0;

  constructor(
    readonly spec: SuiteSpec,
    private readonly runId: string,
    private readonly given: Given,
  ) {}

  /** The property names whose values the suite is given rather than makes. */
  get givenNames(): string[] {
    return Object.keys(this.given);
  }

  /** A value unique to this run, short enough for `maxLength`. */
  unique(maxLength = 100): string {
    this.counter += 1;
    const suffix = `-${this.counter}`;
    return `${this.runId.slice(0, Math.max(1, maxLength - suffix.length))}${suffix}`;
  }

  /** An address at example.com (reserved by RFC 2606) that no other run uses. */
  email(): string {
    return `${this.unique(60)}@example.com`;
  }

  /** A number from the UK drama range, fresh per call: never a real subscriber, never a limit met across runs. */
  mobile(): string {
    return `+447700900${String(randomInt(1000)).padStart(3, "0")}`;
  }

  /**
   * A valid value for `schema`: `example` (from the spec) where one is given and fits, else the schema's own
   * example, else one built from its keywords. Objects get every property; `name` is the property's name.
   */
  valid(node: SchemaObject | ReferenceObject | undefined, example?: unknown, name?: string): unknown {
    const schema = this.spec.read(node);
    if (name !== undefined && name in this.given) return this.given[name];
    const type = typeOf(schema);
    if (type === "object") {
      const from = isRecord(example) ? example : isRecord(schema.example) ? schema.example : {};
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, sub]) => [key, this.valid(sub, from[key], key)]),
      );
    }
    if (type === "array") {
      const items = this.spec.read(schema.items);
      const from = Array.isArray(example) ? example : Array.isArray(schema.example) ? schema.example : [];
      const count = Math.max(schema.minItems ?? 0, Math.min(from.length, schema.maxItems ?? from.length), 1);
      if (schema.uniqueItems && items.enum) return items.enum.slice(0, Math.min(count, items.enum.length));
      return Array.from({ length: count }, (_, i) => this.valid(schema.items, from[i]));
    }
    const candidate = [example, schema.example, schema.examples?.[0], schema.default].find(
      (v) => v !== undefined && fits(schema, v),
    );
    if (type === "string") return this.freshString(schema, candidate as string | undefined);
    if (candidate !== undefined) return candidate;
    if (schema.enum) return schema.enum[0];
    if (type === "boolean") return false;
    if (type === "integer" || type === "number") return schema.minimum ?? 1;
    return null;
  }

  private freshString(schema: Schema, candidate: string | undefined): string {
    if (schema[UNIQUE]) return this.unique(schema.maxLength);
    if (schema.format === "email") return this.email();
    if (schema.format === "uuid") return randomUUID();
    if (candidate !== undefined) return UK_DRAMA_MOBILE.test(candidate) ? this.mobile() : candidate;
    if (schema.enum) return schema.enum[0] as string;
    const plain = "x".repeat(Math.max(schema.minLength ?? 1, 1));
    if (fits(schema, plain)) return plain;
    const [generated] = fc.sample(
      fc.stringMatching(new RegExp(schema.pattern ?? ".*", "u")).filter((s) => fits(schema, s)),
      { numRuns: 1, seed: 1 },
    );
    return generated;
  }
}

/** Whether a value meets a schema's own keywords (not its nested ones): what an example must do to be used. */
export function fits(schema: Schema, value: unknown): boolean {
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (typeof value === "string") {
    if (typeOf(schema) !== "string") return false;
    if (value.length < (schema.minLength ?? 0) || value.length > (schema.maxLength ?? Number.POSITIVE_INFINITY))
      return false;
    return !schema.pattern || new RegExp(schema.pattern, "u").test(value);
  }
  if (typeof value === "number") {
    const type = typeOf(schema);
    if (type !== "number" && type !== "integer") return false;
    if (type === "integer" && !Number.isInteger(value)) return false;
    return value >= (schema.minimum ?? value) && value <= (schema.maximum ?? value);
  }
  if (typeof value === "boolean") return typeOf(schema) === "boolean";
  return true;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
