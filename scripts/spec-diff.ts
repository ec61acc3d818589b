// Compares two bundled versions of the contract and classes each change breaking / non-breaking / annotation,
// in a designer's words. api-smart-diff finds and classes the changes, on documents with every $ref inlined so that
// a change to a shared schema is reported (and classed) at each operation it reaches; spec-diff-rules.ts corrects
// it where it is wrong for us, and spec-diff-wording.ts says each change in a sentence.
import { apiCompare } from "api-smart-diff";
import { contractOf, inlineRefs, type OpenAPI3 } from "../contract/index.ts";
import { locate, type Docs } from "./spec-diff-location.ts";
import { classify, handledHere, scopeCatalogueChanges, securityChanges, type ChangeClass } from "./spec-diff-rules.ts";
import { describeChange } from "./spec-diff-wording.ts";
import { majorRaised } from "./releases.ts";
import {
  activeAllowances,
  allows,
  describeAllowance,
  type Allowance,
  type ChangeLocation,
} from "./breaking-allowances.ts";

export type { ChangeClass } from "./spec-diff-rules.ts";

export interface SpecChange {
  class: ChangeClass;
  action: "add" | "remove" | "replace" | "rename";
  /** e.g. "removed enum value `sent` from response field clientAccessStatus of POST /v1/cases/{caseId}/parties (status 201)" */
  message: string;
  /** The path of (the first of) the library diffs this change stands for. */
  path: (string | number)[];
  /** Set when one of our rules overrode api-smart-diff: which one. */
  rule?: string;
  /** Where the change sits; what an x-breaking-allowances entry names. */
  location?: ChangeLocation;
  /** Set on a breaking change that a reviewed allowance for the new version covers. */
  allowed?: Pick<Allowance, "rule" | "reason">;
}

export const CLASS_ORDER: ChangeClass[] = ["breaking", "non-breaking", "annotation"];

interface Pending extends Omit<SpecChange, "message" | "allowed"> {
  text: string;
  statuses: string[];
}

function withStatuses(text: string, statuses: string[]): string {
  if (statuses.length === 0) return text;
  return `${text} (${statuses.length === 1 ? "status" : "statuses"} ${statuses.join(", ")})`;
}

/**
 * The document with every $ref inlined: api-smart-diff classes a change inside a shared response ($ref to
 * components/responses) with its request rules, because it compares the component where it is defined, outside any
 * response (narrowing the shared Error schema came out breaking under every $ref'd status and non-breaking under the
 * inline ones); inlined, each change is classed where it is used. It then needs no components but its security
 * schemes (x-scopes): the rest is in the paths.
 */
function comparable(doc: OpenAPI3): OpenAPI3 {
  const inlined = inlineRefs(doc, doc);
  return { ...inlined, components: { securitySchemes: inlined.components?.securitySchemes ?? {} } };
}

export function compareSpecs(beforeDoc: OpenAPI3, afterDoc: OpenAPI3): SpecChange[] {
  const docs: Docs = { before: contractOf(comparable(beforeDoc)), after: contractOf(comparable(afterDoc)) };
  const pending = new Map<string, Pending>();
  const add = (change: Omit<Pending, "statuses">, status?: string) => {
    // One sentence per change: a shared schema changed under several statuses of one operation is one line.
    const key = `${change.class}\n${change.text}`;
    const seen = pending.get(key) ?? { ...change, statuses: [] };
    if (status && !seen.statuses.includes(status)) seen.statuses.push(status);
    pending.set(key, seen);
  };

  for (const diff of apiCompare(docs.before.doc, docs.after.doc).diffs) {
    if (handledHere(diff.path)) continue;
    const loc = locate(diff.path, diff.action, docs, diff.after);
    const text = describeChange(diff, loc, docs);
    if (text === null) continue;
    const { class: cls, rule } = classify(diff, loc, docs);
    // Inside a response body or header, the same sentence can hold for several statuses: name them.
    const inside = loc.keyword !== undefined || loc.part === "header";
    const { operation, part, field, keyword } = loc;
    const location = Object.fromEntries(Object.entries({ operation, part, field, keyword }).filter(([, v]) => v));
    add(
      { class: cls, action: diff.action, text, path: diff.path, ...(rule ? { rule } : {}), location },
      inside ? loc.status : undefined,
    );
  }
  for (const own of [...securityChanges(docs), ...scopeCatalogueChanges(docs)]) {
    add({ class: own.class, action: own.action, text: own.message, path: own.path, rule: own.rule });
  }

  const allowances = activeAllowances(afterDoc, beforeDoc.info.version);
  const changes = [...pending.values()].map(({ text, statuses, ...rest }): SpecChange => {
    const allowance = rest.class === "breaking" && rest.location && allowances.find((a) => allows(a, rest.location!));
    return {
      ...rest,
      message: withStatuses(text, statuses),
      ...(allowance ? { allowed: { rule: allowance.rule, reason: allowance.reason } } : {}),
    };
  });
  return CLASS_ORDER.flatMap((cls) => changes.filter((c) => c.class === cls));
}

const HEADINGS = { breaking: "Breaking", "non-breaking": "Non-breaking", annotation: "Annotation" } as const;

/**
 * The changes grouped by class, one "  - sentence" per line; breaking changes that an allowance covers follow the
 * others in a group of their own, each with its reason, so what still fails the gate stays on top.
 */
export function formatReport(changes: SpecChange[]): string {
  if (changes.length === 0) return "No changes.";
  const group = (heading: string, list: SpecChange[], line = (c: SpecChange) => `  - ${c.message}`) =>
    [`${heading} (${list.length})`, ...list.map(line)].join("\n");
  const allowed = changes.filter((c) => c.allowed);
  return CLASS_ORDER.flatMap((cls) => {
    const own = group(
      HEADINGS[cls],
      changes.filter((c) => c.class === cls && !c.allowed),
    );
    if (cls !== "breaking" || allowed.length === 0) return [own];
    return [
      own,
      group("Breaking, allowed", allowed, (c) => `  - ${c.message} (breaking, allowed: ${c.allowed?.reason})`),
    ];
  }).join("\n\n");
}

export interface Verdict {
  ok: boolean;
  reason: string;
}

/** The allowances for the new version that cover no breaking change: stale, so the gate fails on them. */
export function staleAllowances(changes: SpecChange[], beforeDoc: OpenAPI3, afterDoc: OpenAPI3): Allowance[] {
  const breaking = changes.filter((c) => c.class === "breaking" && c.location);
  return activeAllowances(afterDoc, beforeDoc.info.version).filter(
    (a) => !breaking.some((c) => allows(a, c.location!)),
  );
}

/**
 * A breaking change passes only when info.version's major was raised or a reviewed allowance for the new version
 * covers it; an allowance that covers nothing fails.
 */
export function verdict(
  changes: SpecChange[],
  beforeVersion: string,
  afterVersion: string,
  stale: Allowance[] = [],
): Verdict {
  if (stale.length > 0)
    return {
      ok: false,
      reason: `stale allowance: ${stale.map(describeAllowance).join("; ")} matches no breaking change; remove it or correct where it points`,
    };
  const allowed = changes.filter((c) => c.class === "breaking" && c.allowed).length;
  const breaking = changes.filter((c) => c.class === "breaking" && !c.allowed).length;
  if (breaking === 0)
    return {
      ok: true,
      reason:
        allowed === 0
          ? "no breaking change"
          : `${allowed} breaking ${allowed === 1 ? "change" : "changes"}, each allowed for ${afterVersion} by x-breaking-allowances`,
    };
  const plural = breaking === 1 ? "1 breaking change" : `${breaking} breaking changes`;
  if (majorRaised(beforeVersion, afterVersion))
    return {
      ok: true,
      reason: `${plural}, allowed: info.version's major was raised (${beforeVersion} -> ${afterVersion})`,
    };
  return {
    ok: false,
    reason: `${plural} while info.version's major stays ${afterVersion.split(".")[0]} (${beforeVersion} -> ${afterVersion}): undo ${breaking === 1 ? "it" : "them"}, raise info.version in spec/openapi.yaml to the next major, or allow a reviewed security narrowing in x-breaking-allowances`,
  };
}
