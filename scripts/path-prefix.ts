// The path prefix (`x-path-prefix` on the spec's root, `/v1` today) and the decision each major version records
// about it. A raised major must say what its URLs are: a new prefix (/v2, served beside /v1 during the migration),
// or `x-path-prefix-kept` for that major with the reason the old prefix stays. Until then `npm run diff` fails, so
// nothing ships 2.0.0 under /v1 by accident.
import type { OpenAPI3 } from "../contract/index.ts";
import { majorRaised } from "./releases.ts";
import type { Verdict } from "./spec-diff.ts";

export const PATH_PREFIX = "x-path-prefix";
export const PREFIX_KEPT = "x-path-prefix-kept";

interface PrefixKept {
  major?: unknown;
  reason?: unknown;
}

/** The declared prefix; a snapshot from before it was declared has it as its paths' first segment. */
export function pathPrefix(doc: OpenAPI3): string {
  const declared: unknown = doc[PATH_PREFIX];
  if (typeof declared === "string") return declared;
  const first = Object.keys(doc.paths ?? {})[0] ?? "";
  return `/${first.split("/")[1] ?? ""}`;
}

const major = (version: string) => Number(version.split(".")[0]);

/** Null when no major was raised or its prefix decision is recorded; otherwise the failing verdict. */
export function prefixDecisionMissing(base: OpenAPI3, head: OpenAPI3): Verdict | null {
  const [from, to] = [base.info.version, head.info.version];
  if (!majorRaised(from, to)) return null;
  const [before, after] = [pathPrefix(base), pathPrefix(head)];
  if (after !== before) return null;
  const kept: PrefixKept[] = head[PREFIX_KEPT] ?? [];
  const recorded = Array.isArray(kept) && kept.some((k) => k?.major === major(to) && typeof k.reason === "string");
  if (recorded) return null;
  return {
    ok: false,
    reason: `info.version's major was raised (${from} -> ${to}) but the path prefix decision for ${major(to)} is not recorded: change ${PATH_PREFIX} in spec/openapi.yaml (${before} -> /v${major(to)}; serve both prefixes during the migration), or keep ${before} with a ${PREFIX_KEPT} entry { major: ${major(to)}, reason: ... }`,
  };
}
