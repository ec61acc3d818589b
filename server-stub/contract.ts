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
}

function basePathOf(url: string): string {
  const path = new URL(url, "http://relative.invalid").pathname;
  return path === "/" ? "" : path.replace(/\/$/, "");
}

let cached: Contract | undefined;

export function loadContract(): Contract {
  if (cached) return cached;
  const doc = loadBundle(repoFiles.openapiYaml);
  cached = {
    doc,
    operations: operations(doc),
    scopeNames: Object.keys(scopeCatalogue(doc)),
    basePaths: [...new Set<string>((doc.servers ?? [{ url: "/" }]).map((s: { url: string }) => basePathOf(s.url)))],
  };
  return cached;
}
