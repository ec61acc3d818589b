// Reads the bundled contract into the few facts that generators and tools derive from it
// (operations, scopes, error codes), so that no table is written twice by hand.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { repoFiles } from "../contract/repo-paths.ts";

export const bundlePath = repoFiles.bundle;

export const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tag: string;
  /** The one scope the operation needs, or null for the token exchange. */
  scope: string | null;
  statuses: string[];
}

export interface ErrorCode {
  status: string;
  code: string;
  meaning: string;
}

export type OpenApiDoc = any;

export function loadBundle(path = bundlePath): OpenApiDoc {
  return parse(readFileSync(path, "utf8"));
}

export function operations(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const requirement = (op.security ?? doc.security ?? [])[0] ?? {};
      const scopes: string[] = requirement.systemToken ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        summary: op.summary ?? "",
        description: op.description ?? "",
        tag: (op.tags ?? [])[0] ?? "",
        scope: scopes[0] ?? null,
        statuses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return ops;
}

/** The scope catalogue: name -> purpose, from the security scheme's `x-scopes`. */
export function scopeCatalogue(doc: OpenApiDoc): Record<string, string> {
  return doc.components?.securitySchemes?.systemToken?.["x-scopes"] ?? {};
}

function resolve(doc: OpenApiDoc, node: any): any {
  while (node && typeof node.$ref === "string") {
    node = node.$ref
      .replace(/^#\//, "")
      .split("/")
      .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((n: any, key: string) => n?.[key], doc);
  }
  return node;
}

/**
 * Every known error code, by status, from the error responses' descriptions and examples
 * (a description line "- `code`: meaning" or "Known codes: `code`").
 */
export function errorCodes(doc: OpenApiDoc): ErrorCode[] {
  const seen = new Map<string, ErrorCode>();
  for (const [, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      for (const [status, raw] of Object.entries<any>(item[method]?.responses ?? {})) {
        if (Number(status) < 400) continue;
        const response = resolve(doc, raw);
        const description: string = response.description ?? "";
        for (const m of description.matchAll(/^- `([a-z_]+)`(?: \(([^)]*)\))?: (.*)$/gm)) {
          const key = `${status} ${m[1]}`;
          if (!seen.has(key)) seen.set(key, { status, code: m[1], meaning: m[3].trim() });
        }
        const single = description.match(/Known codes: `([a-z_]+)`\.?/);
        if (single) {
          const key = `${status} ${single[1]}`;
          if (!seen.has(key))
            seen.set(key, { status, code: single[1], meaning: description.split(". Known codes")[0].trim() });
        }
        const examples = response.content?.["application/json"]?.examples ?? {};
        for (const example of Object.values<any>(examples)) {
          const code = resolve(doc, example)?.value?.error?.code;
          const key = `${status} ${code}`;
          if (code && !seen.has(key))
            seen.set(key, { status, code, meaning: resolve(doc, example).value.error.message });
        }
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.status.localeCompare(b.status) || a.code.localeCompare(b.code));
}
