// Compares two bundled versions of the contract and classes each change breaking / non-breaking / annotation,
// in a designer's words. api-smart-diff finds and classes the changes, on documents with every $ref inlined so that
// a change to a shared schema is reported (and classed) at each operation it reaches; spec-diff-rules.ts corrects
// it where it is wrong for us, and spec-diff-wording.ts says each change in a sentence.
import { apiCompare } from "api-smart-diff";
import { contractOf, resolveRef, type OpenAPI3 } from "../contract/index.ts";
import { locate, type Docs } from "./spec-diff-location.ts";
import { classify, handledHere, scopeCatalogueChanges, securityChanges, type ChangeClass } from "./spec-diff-rules.ts";
import { describeChange } from "./spec-diff-wording.ts";
import { majorRaised } from "./releases.ts";

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
}

export const CLASS_ORDER: ChangeClass[] = ["breaking", "non-breaking", "annotation"];

interface Pending extends Omit<SpecChange, "message"> {
  text: string;
  statuses: string[];
}

function withStatuses(text: string, statuses: string[]): string {
  if (statuses.length === 0) return text;
  return `${text} (${statuses.length === 1 ? "status" : "statuses"} ${statuses.join(", ")})`;
}

/**
 * The document with every local $ref replaced by what it points to (a $ref back into itself is left as is).
 * api-smart-diff classes a change inside a shared response ($ref to components/responses) with its request
 * rules, because it compares the component where it is defined, outside any response: narrowing the shared
 * Error schema came out breaking under every $ref'd status and non-breaking under the inline ones. Inlined, each
 * change is classed where it is used.
 */
export function inlineRefs(doc: OpenAPI3): OpenAPI3 {
  const inline = (node: unknown, seen: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => inline(n, seen));
    if (node === null || typeof node !== "object") return node;
    const { $ref: ref, ...siblings } = node as { $ref?: unknown };
    if (typeof ref === "string" && ref.startsWith("#/")) {
      if (seen.includes(ref)) return node;
      // OpenAPI 3.1 lets keywords sit beside a $ref (a field's own description): keep them, over the target's.
      const target = inline(resolveRef(doc, { $ref: ref }), [...seen, ref]) as object;
      return { ...target, ...(inline(siblings, seen) as object) };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, seen)]));
  };
  return inline(doc, []) as OpenAPI3;
}

/** Inlined, the document needs no components but its security schemes (x-scopes): the rest is in the paths. */
function comparable(doc: OpenAPI3): OpenAPI3 {
  const inlined = inlineRefs(doc);
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
    add(
      { class: cls, action: diff.action, text, path: diff.path, ...(rule ? { rule } : {}) },
      inside ? loc.status : undefined,
    );
  }
  for (const own of [...securityChanges(docs), ...scopeCatalogueChanges(docs)]) {
    add({ class: own.class, action: own.action, text: own.message, path: own.path, rule: own.rule });
  }

  const changes = [...pending.values()].map(({ text, statuses, ...rest }) => ({
    ...rest,
    message: withStatuses(text, statuses),
  }));
  return CLASS_ORDER.flatMap((cls) => changes.filter((c) => c.class === cls));
}

const HEADINGS = { breaking: "Breaking", "non-breaking": "Non-breaking", annotation: "Annotation" } as const;

/** The changes grouped by class, one "  - sentence" per line. */
export function formatReport(changes: SpecChange[]): string {
  if (changes.length === 0) return "No changes.";
  return CLASS_ORDER.map((cls) => {
    const group = changes.filter((c) => c.class === cls);
    return [`${HEADINGS[cls]} (${group.length})`, ...group.map((c) => `  - ${c.message}`)].join("\n");
  }).join("\n\n");
}

export interface Verdict {
  ok: boolean;
  reason: string;
}

/** A breaking change passes only when info.version's major was raised. */
export function verdict(changes: SpecChange[], beforeVersion: string, afterVersion: string): Verdict {
  const breaking = changes.filter((c) => c.class === "breaking").length;
  if (breaking === 0) return { ok: true, reason: "no breaking change" };
  const plural = breaking === 1 ? "1 breaking change" : `${breaking} breaking changes`;
  if (majorRaised(beforeVersion, afterVersion))
    return {
      ok: true,
      reason: `${plural}, allowed: info.version's major was raised (${beforeVersion} -> ${afterVersion})`,
    };
  return {
    ok: false,
    reason: `${plural} while info.version's major stays ${afterVersion.split(".")[0]} (${beforeVersion} -> ${afterVersion}): undo ${breaking === 1 ? "it" : "them"}, or raise info.version in spec/openapi.yaml to the next major`,
  };
}
