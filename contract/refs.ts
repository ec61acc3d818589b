// The one resolver of local JSON references (`#/components/...`) in a bundled document.
import type { ReferenceObject } from "./openapi.ts";

/** A node that is a `$ref` (OpenAPI 3.1 lets a description or summary sit beside it). */
export function isRef(node: unknown): node is ReferenceObject {
  return typeof node === "object" && node !== null && typeof (node as { $ref?: unknown }).$ref === "string";
}

/** The local reference to a path of the document: ["paths", "/v1/cases", "post"] -> "#/paths/~1v1~1cases/post". */
export function jsonPointer(path: readonly (string | number)[]): string {
  return `#/${path.map((part) => String(part).replaceAll("~", "~0").replaceAll("/", "~1")).join("/")}`;
}

/** The keys a JSON pointer names, unescaped: "#/a~1b/c" (or "/a~1b/c", as Ajv writes instance paths) -> ["a/b", "c"]. */
export function pointerSegments(pointer: string): string[] {
  const path = pointer.replace(/^#/, "");
  if (path === "") return [];
  return path
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The node a JSON pointer (`#/components/schemas/Error`) names in `doc`, or undefined. */
export function atPointer(doc: object, pointer: string): unknown {
  if (!pointer.startsWith("#/")) throw new Error(`not a local reference: ${pointer}`);
  return pointerSegments(pointer).reduce<unknown>(
    (node, key) => (node as Record<string, unknown> | undefined)?.[key],
    doc,
  );
}

/**
 * The node a local `$ref` points to, followed until it is not a `$ref`; any other node as it is. Throws on a
 * reference that leads nowhere or in a circle: a bundle with one is broken, and saying so beats `undefined`.
 */
export function resolveRef<T>(doc: object, node: T | ReferenceObject): T {
  const seen = new Set<string>();
  let current: unknown = node;
  while (isRef(current)) {
    const ref = current.$ref;
    if (seen.has(ref)) throw new Error(`circular $ref: ${[...seen, ref].join(" -> ")}`);
    seen.add(ref);
    current = atPointer(doc, ref);
    if (current === undefined) throw new Error(`$ref ${ref} points at nothing in the document`);
  }
  return current as T;
}

/** The value at a path of the document with every `$ref` on the way followed, or undefined. */
export function valueAt(doc: object, path: readonly (string | number)[]): unknown {
  let node: unknown = doc;
  for (const key of path) {
    if (node === undefined || node === null) return undefined;
    node = (resolveRef(doc, node) as Record<string | number, unknown>)[key];
  }
  return node === undefined ? undefined : resolveRef(doc, node);
}

/**
 * `node` (a part of `doc`, or `doc` itself) with every local $ref replaced by what it points to; a $ref back into
 * itself is left as is. The spec diff compares inlined documents (a change to a shared schema is classed where it
 * is used) and the MCP server gives tools self-contained JSON Schemas.
 */
export function inlineRefs<T>(doc: object, node: T): T {
  const inline = (value: unknown, seen: string[]): unknown => {
    if (Array.isArray(value)) return value.map((v) => inline(v, seen));
    if (value === null || typeof value !== "object") return value;
    const { $ref: ref, ...siblings } = value as { $ref?: unknown };
    if (typeof ref === "string" && ref.startsWith("#/")) {
      if (seen.includes(ref)) return value;
      // OpenAPI 3.1 lets keywords sit beside a $ref (a field's own description): keep them, over the target's.
      const target = inline(resolveRef(doc, { $ref: ref }), [...seen, ref]) as object;
      return { ...target, ...(inline(siblings, seen) as object) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inline(v, seen)]));
  };
  return inline(node, []) as T;
}
