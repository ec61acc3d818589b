// What the server reads from the contract at run time (operations, scopes, base paths), so none of it is
// restated in code. The bundled spec is generated/openapi.yaml.
import { loadBundle, operations, scopeCatalogue, type OpenApiDoc, type Operation } from "../scripts/spec-model.ts";
import { repoFiles } from "./repo-files.ts";

export type { Operation };

export interface Contract {
  doc: OpenApiDoc;
  operations: Operation[];
  /** Every scope name, in the catalogue's order. */
  scopeNames: string[];
  /** The servers' path prefixes: "" for the local server, "/api" for the browser proxy. */
  basePaths: string[];
  /** The operationIds that declare the Idempotency-Key header. */
  idempotentOperations: Set<string>;
}

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** A parameter object, following a local $ref ("#/components/parameters/Idempotency-Key"). */
function resolveParameter(
  doc: OpenApiDoc,
  parameter: { $ref?: string; in?: string; name?: string },
): { in?: string; name?: string } {
  if (!parameter.$ref) return parameter;
  return parameter.$ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((node: any, part) => node?.[part.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
}

function declaresHeader(doc: OpenApiDoc, op: Operation, header: string): boolean {
  const item = doc.paths[op.path];
  const parameters = [...(item.parameters ?? []), ...(item[op.method.toLowerCase()].parameters ?? [])];
  return parameters
    .map((p) => resolveParameter(doc, p))
    .some((p) => p?.in === "header" && p.name?.toLowerCase() === header.toLowerCase());
}

function basePathOf(url: string): string {
  const path = new URL(url, "http://relative.invalid").pathname;
  return path === "/" ? "" : path.replace(/\/$/, "");
}

let cached: Contract | undefined;

export function loadContract(): Contract {
  if (cached) return cached;
  const doc = loadBundle(repoFiles.openapiYaml);
  const ops = operations(doc);
  cached = {
    doc,
    operations: ops,
    scopeNames: Object.keys(scopeCatalogue(doc)),
    basePaths: [...new Set<string>((doc.servers ?? [{ url: "/" }]).map((s: { url: string }) => basePathOf(s.url)))],
    idempotentOperations: new Set(
      ops.filter((op) => declaresHeader(doc, op, IDEMPOTENCY_KEY_HEADER)).map((op) => op.operationId),
    ),
  };
  return cached;
}
