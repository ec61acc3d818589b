// Local JSON references (`#/components/...`) in a bundled document: following them, and reading through them.
import type { OpenApiDoc } from "./spec-model.ts";

/** The node a local $ref points to (followed until it is not a $ref); any other node as is. */
export function resolveRef(doc: OpenApiDoc, node: any): any {
  while (node && typeof node.$ref === "string" && node.$ref.startsWith("#/")) {
    node = node.$ref
      .slice(2)
      .split("/")
      .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((n: any, key: string) => n?.[key], doc);
  }
  return node;
}

/** The value at a path of the document with every $ref on the way followed. */
export function valueAt(doc: OpenApiDoc, path: (string | number)[]): any {
  let node: any = doc;
  for (const key of path) {
    node = resolveRef(doc, node)?.[key];
    if (node === undefined) return undefined;
  }
  return resolveRef(doc, node);
}
