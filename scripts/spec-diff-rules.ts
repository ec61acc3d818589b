// Where api-smart-diff's classification is wrong for this contract, the corrections, each with why.
// api-smart-diff targets OpenAPI 3.0; its 3.1 support reads `type` arrays and `const`, but a few rules misfire
// (found by experiment, see test/designer/pairs.ts). Security requirements and the x-scopes catalogue are
// classified here instead of by the library.
import type { Diff } from "api-smart-diff";
import { SECURITY_SCHEME, valueAt, type Contract, type SecurityRequirement } from "../contract/index.ts";
import { comparePatterns } from "./pattern-language.ts";
import { schemaAt, type DiffLocation, type Docs } from "./spec-diff-location.ts";
import { formatValue } from "./spec-diff-wording.ts";

export type ChangeClass = "breaking" | "non-breaking" | "annotation";

export interface Classified {
  class: ChangeClass;
  /** Set when a rule of ours overrode the library: why. */
  rule?: string;
}

/** The schema extension that marks a response value as an echo of what the request sent. */
export const ECHOES_REQUEST = "x-echoes-request";

/** The schema at `schemaPath`, or one holding it, is marked x-echoes-request (in the new version). */
function echoesRequest({ after }: Docs, schemaPath: DiffLocation["schemaPath"]): boolean {
  if (!schemaPath) return false;
  for (let end = schemaPath.length; end > 0; end--)
    if (
      (valueAt(after.doc, schemaPath.slice(0, end)) as Record<string, unknown> | undefined)?.[ECHOES_REQUEST] === true
    )
      return true;
  return false;
}

const UPPER_BOUNDS = ["maxItems", "maxLength", "maximum"];

/** Lets a value hold more: an added enum value, or a raised or removed upper bound. */
function widens(diff: Diff, keyword: string | undefined): boolean {
  if (keyword === "enum") return diff.action === "add";
  if (!keyword || !UPPER_BOUNDS.includes(keyword)) return false;
  return diff.action === "remove" || (diff.action === "replace" && Number(diff.after) > Number(diff.before));
}

const asSet = (type: unknown) => new Set(Array.isArray(type) ? type : [type]);
const isSubset = <T>(a: Set<T>, b: Set<T>) => [...a].every((x) => b.has(x));

/** The class of one library change, after our corrections. */
export function classify(diff: Diff, loc: DiffLocation, docs: Docs): Classified {
  const inResponse = loc.part === "response" || loc.part === "header";

  // Example values document the contract; the library leaves them unclassified.
  if (diff.path.some((key) => key === "examples" || key === "example"))
    return { class: "annotation", rule: "examples are documentation" };
  // Vendor extensions (x-codeSamples, x-internal...) drive our generators, not the wire; x-scopes is handled below.
  if (diff.path.some((key) => typeof key === "string" && key.startsWith("x-")))
    return { class: "annotation", rule: "x- extensions are documentation" };

  // A response's links say how its values feed other requests (tools and the conformance suite follow them);
  // neither the request nor the answer on the wire changes.
  if (loc.part === "response" && diff.path.includes("links"))
    return { class: "annotation", rule: "links are documentation" };

  // The library reverses its request rule for responses wholesale, which makes *every* `type` replacement in a
  // response non-breaking (string -> integer included). Compare the sets of types instead: a response may only
  // narrow (drop `null`), a request may only widen.
  if (loc.keyword === "type" && loc.keywordRest.length === 0 && diff.action === "replace") {
    const [before, after] = [asSet(diff.before), asSet(diff.after)];
    const compatible = inResponse ? isSubset(after, before) : isSubset(before, after);
    return {
      class: compatible ? "non-breaking" : "breaking",
      rule: "type sets: responses may narrow, requests may widen",
    };
  }
  // The library calls every changed pattern breaking. Compare the strings each accepts instead: a request's pattern
  // may only widen, a response's only narrow; where the languages cannot be compared (lookarounds, inner anchors),
  // it fails the gate until a reviewed allowance says why it is safe.
  if (loc.keyword === "pattern" && loc.keywordRest.length === 0 && diff.action === "replace") {
    const relation = comparePatterns(String(diff.before), String(diff.after));
    if (relation === "undecided")
      return { class: "breaking", rule: "needs review: the two patterns' languages could not be compared" };
    const compatible = relation === "same" || relation === (inResponse ? "narrower" : "wider");
    return {
      class: compatible ? "non-breaking" : "breaking",
      rule: `pattern languages: the new pattern accepts ${relation === "different" ? "different strings" : relation === "same" ? "the same strings" : `${relation === "wider" ? "more" : "fewer"} strings`}; requests may widen, responses may narrow`,
    };
  }
  // A different fixed value is narrower and wider at once; the library's reversal makes it non-breaking in a response.
  if (loc.keyword === "const" && diff.action === "replace")
    return { class: "breaking", rule: "a changed const breaks both directions" };

  // A response header that becomes required is a new guarantee; one that stops being required may vanish under a
  // client that reads it. The library applies its request-parameter rule (new `required` = breaking) to both.
  if (loc.part === "header" && diff.path[diff.path.length - 1] === "required") {
    const nowRequired = diff.action !== "remove" && diff.after === true;
    return {
      class: nowRequired ? "non-breaking" : "breaking",
      rule: "response headers: required is a guarantee to the client",
    };
  }

  // A response value marked x-echoes-request holds only what the client itself sent (the token exchange grants a
  // subset of the scopes asked for), so letting it hold more (a new enum value, a higher or no maximum) reaches
  // only a client that sent the new value: not breaking.
  if (loc.part === "response" && echoesRequest(docs, loc.schemaPath) && widens(diff, loc.keyword))
    return { class: "non-breaking", rule: `${ECHOES_REQUEST}: the value echoes the request` };

  // The library assumes open request bodies, where an unknown field is ignored. Ours are closed
  // (additionalProperties: false), so a client still sending a removed field gets 400.
  if (loc.part === "request" && loc.keyword === "property" && diff.action === "remove") {
    if (schemaAt(docs.before, loc.schemaPath!)?.additionalProperties === false)
      return { class: "breaking", rule: "closed request bodies reject removed fields" };
  }

  if (diff.type === "deprecated") return { class: "non-breaking" };
  if (diff.type === "unclassified")
    return { class: "breaking", rule: "api-smart-diff left it unclassified: treated as breaking until reviewed" };
  return { class: diff.type };
}

/** Changes whose library diffs we drop and classify ourselves (see securityChanges and scopeCatalogueChanges). */
export function handledHere(path: Diff["path"]): boolean {
  if (path[0] === "security") return true;
  if (path[0] === "paths" && path[3] === "security") return true;
  return path[0] === "components" && path[1] === "securitySchemes" && path[3] === "x-scopes";
}

export interface OwnChange {
  class: ChangeClass;
  message: string;
  action: Diff["action"];
  path: Diff["path"];
  rule: string;
}

function describeRequirements(reqs: readonly SecurityRequirement[]): string {
  if (reqs.length === 0 || reqs.some((r) => Object.keys(r).length === 0)) return "none (no token needed)";
  return reqs
    .map((r) =>
      Object.entries(r)
        .map(([scheme, scopes]) =>
          scopes.length ? scopes.map((s) => `\`${s}\``).join(" and ") : `any ${scheme} token`,
        )
        .join(" and "),
    )
    .join(" or ");
}

/** Every scope of every scheme in `a` is also needed by `b`: a token that satisfied b satisfies a. */
function satisfiedBy(a: SecurityRequirement, b: SecurityRequirement): boolean {
  return Object.entries(a).every(([scheme, scopes]) => scheme in b && scopes.every((s) => b[scheme].includes(s)));
}

/**
 * The library calls a scope added to a requirement non-breaking, but every scope listed in an OpenAPI
 * security requirement is needed, so existing tokens would now get 403. Here a change is compatible only if
 * each way a caller could authorise before still works: every old requirement contains some new one.
 */
export function securityChanges(docs: Docs): OwnChange[] {
  const changes: OwnChange[] = [];
  for (const op of docs.before.operations) {
    const now = docs.after.operations.find((o) => o.method === op.method && o.path === op.path);
    if (!now) continue;
    const [before, after] = [op.security, now.security];
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    const open = after.length === 0 || after.some((r) => Object.keys(r).length === 0);
    const compatible = open || before.every((old) => after.some((req) => satisfiedBy(req, old)));
    changes.push({
      class: compatible ? "non-breaking" : "breaking",
      message: `changed the scope of ${op.method} ${op.path} from ${describeRequirements(before)} to ${describeRequirements(after)}`,
      action: "replace",
      path: ["paths", op.path, op.method.toLowerCase(), "security"],
      rule: "security requirements: every listed scope is needed",
    });
  }
  return changes;
}

/** The scope catalogue as name -> purpose. */
function catalogue(contract: Contract): Record<string, string> {
  return Object.fromEntries(contract.scopes.map((s) => [s.name, s.purpose]));
}

/**
 * The library does not know x-scopes (name -> purpose). A removed scope makes token requests that name it fail
 * (400), so it is breaking; a new one is not; a changed purpose is documentation.
 */
export function scopeCatalogueChanges(docs: Docs): OwnChange[] {
  const [before, after] = [catalogue(docs.before), catalogue(docs.after)];
  const changes: OwnChange[] = [];
  const rule = "x-scopes: the scope catalogue";
  for (const [scope, purpose] of Object.entries(before)) {
    const path = ["components", "securitySchemes", SECURITY_SCHEME, "x-scopes", scope];
    if (!(scope in after))
      changes.push({
        class: "breaking",
        message: `removed scope ${formatValue(scope)} from the scope catalogue`,
        action: "remove",
        path,
        rule,
      });
    else if (after[scope] !== purpose) {
      changes.push({
        class: "annotation",
        message: `changed the purpose of scope ${formatValue(scope)} from "${purpose}" to "${after[scope]}"`,
        action: "replace",
        path,
        rule,
      });
    }
  }
  for (const [scope, purpose] of Object.entries(after)) {
    if (!(scope in before)) {
      const path = ["components", "securitySchemes", SECURITY_SCHEME, "x-scopes", scope];
      changes.push({
        class: "non-breaking",
        message: `added scope ${formatValue(scope)} ("${purpose}") to the scope catalogue`,
        action: "add",
        path,
        rule,
      });
    }
  }
  return changes;
}
