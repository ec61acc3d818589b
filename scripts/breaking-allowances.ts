// Reviewed allowances for breaking changes that ship without a new major (security narrowings, as a minor release).
// They live in the spec itself, as the root extension `x-breaking-allowances` of spec/openapi.yaml: the reviewer
// sees each narrowing, its allowance and the raised info.version in one diff, and every released snapshot records
// which breaking changes it accepted and why (the changelog reads them from there).
import type { OpenAPI3 } from "../contract/index.ts";
import { compareVersions } from "./releases.ts";

export const ALLOWANCES_KEY = "x-breaking-allowances";

/** Where a change sits, as the diff reports it (`location` in `npm run diff -- --json`). */
export interface ChangeLocation {
  operation?: string;
  part?: string;
  field?: string;
  keyword?: string;
}

export interface Allowance extends ChangeLocation {
  /** The release that introduces the change: the allowance applies only to the diff that reaches this version. */
  version: string;
  /** The contract rule the change carries out (e.g. a CONTRACT.md decision). */
  rule: string;
  reason: string;
}

const LOCATION_KEYS = ["operation", "part", "field", "keyword"] as const;

/** The allowances declared in a bundled document; refuses an entry without a version, rule or reason. */
export function allowancesOf(doc: OpenAPI3): Allowance[] {
  const declared = (doc as unknown as Record<string, unknown>)[ALLOWANCES_KEY] ?? [];
  if (!Array.isArray(declared)) throw new Error(`${ALLOWANCES_KEY} must be a list`);
  return declared.map((entry: Record<string, unknown>, i) => {
    const at = `${ALLOWANCES_KEY}[${i}]`;
    for (const key of ["version", "operation", "part", "keyword", "rule", "reason"])
      if (typeof entry?.[key] !== "string" || (entry[key] as string).trim() === "")
        throw new Error(`${at} is refused: it needs a non-empty ${key}`);
    compareVersions(entry.version as string, "0.0.0"); // throws unless MAJOR.MINOR.PATCH
    if (compareVersions(entry.version as string, doc.info.version) > 0)
      throw new Error(`${at} is for ${entry.version}, above info.version ${doc.info.version}`);
    return entry as unknown as Allowance;
  });
}

/** The allowances that apply to the diff from `beforeVersion` to the document they are declared in. */
export function activeAllowances(doc: OpenAPI3, beforeVersion: string): Allowance[] {
  return allowancesOf(doc).filter(
    (a) => a.version === doc.info.version && compareVersions(beforeVersion, a.version) < 0,
  );
}

export function allows(allowance: Allowance, location: ChangeLocation): boolean {
  return LOCATION_KEYS.every((key) => (allowance[key] ?? "") === (location[key] ?? ""));
}

export function describeAllowance(a: Allowance): string {
  const where = [a.operation, a.part, a.field, a.keyword].filter((s) => s).join(" ");
  return `${ALLOWANCES_KEY} entry for ${a.version} (${where})`;
}
