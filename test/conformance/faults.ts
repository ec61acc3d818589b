// The faults the self-test injects, one at a time, between the suite and a correct reference server. Each is a
// way a real deployment could break the contract; each names the checks that must notice it.
import type { operations } from "../../generated/schema.d.ts";
import { UNDOCUMENTED_FIELD } from "../support/undocumented-field.ts";
import { suiteSpec } from "./spec.ts";
import {
  jsonOf,
  withJson,
  type Fault,
  type FaultMemory,
  type ProxiedRequest,
  type ProxiedResponse,
} from "./contract-breaking-proxy.ts";

type OperationId = keyof operations;

/** The self-test injects its faults into the reference server, which serves generated/openapi.yaml. */
const SPEC = suiteSpec();
const CONTRACT = SPEC.contract;

/** The operation a proxied request reaches, by the contract's paths. */
function operationOf(req: ProxiedRequest): OperationId | undefined {
  return CONTRACT.findOperation(req.method, req.url.split("?")[0])?.operationId as OperationId | undefined;
}

function is(req: ProxiedRequest, ...ids: OperationId[]): boolean {
  const id = operationOf(req);
  return id !== undefined && ids.includes(id);
}

function query(req: ProxiedRequest): URLSearchParams {
  return new URL(req.url, "http://proxy").searchParams;
}

function withQuery(req: ProxiedRequest, params: URLSearchParams): ProxiedRequest {
  const search = params.toString();
  return { ...req, url: req.url.split("?")[0] + (search ? `?${search}` : "") };
}

function bearerToken(req: ProxiedRequest): string | undefined {
  return /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
}

/** Edits a JSON body: `edit` changes the parsed body in place, or returns a replacement. */
function editJson<T extends { body: Buffer }>(message: T, edit: (body: any) => unknown): T {
  const body = jsonOf(message);
  if (body === undefined) return message;
  const replaced = edit(body);
  return withJson(message, replaced === undefined ? body : replaced);
}

/** Remembers every token the server issued, and the last one holding all five scopes. */
function rememberTokens(res: ProxiedResponse, req: ProxiedRequest, memory: FaultMemory): void {
  if (!is(req, "createSystemToken") || res.status !== 200) return;
  const body = jsonOf(res);
  const issued = (memory.get("issued") as Set<string> | undefined) ?? new Set<string>();
  issued.add(body.accessToken);
  memory.set("issued", issued);
  if (body.principal.scopes.length === SPEC.scopes.length) memory.set("fullToken", body.accessToken);
}

function isIssued(token: string, memory: FaultMemory): boolean {
  return (memory.get("issued") as Set<string> | undefined)?.has(token) ?? false;
}

/** Forwards the last full-scope token instead of the caller's bearer token wherever `replace` says so. */
function actAsFullToken(replace: (token: string, memory: FaultMemory) => boolean) {
  return (req: ProxiedRequest, memory: FaultMemory): ProxiedRequest | undefined => {
    const token = bearerToken(req);
    const full = memory.get("fullToken") as string | undefined;
    return token && full && replace(token, memory)
      ? { ...req, headers: { ...req.headers, authorization: `Bearer ${full}` } }
      : undefined;
  };
}

/** The top-level properties each request body schema declares, read from the spec. */
function declaredProperties(): Map<string, Set<string>> {
  const declared = new Map<string, Set<string>>();
  for (const op of CONTRACT.operations) {
    const properties = CONTRACT.readSchema(op.requestSchema)?.properties;
    if (properties) declared.set(op.operationId, new Set(Object.keys(properties)));
  }
  return declared;
}

/** A createCase body field's `maxLength`, read from the spec (the matterRef's, for the constraint faults). */
function maxLengthOf(operationId: OperationId, field: string): number {
  const schema = SPEC.read(CONTRACT.operation(operationId).requestSchema);
  const max = SPEC.read(schema.properties?.[field]).maxLength;
  if (max === undefined) throw new Error(`${operationId}'s ${field} has no maxLength in the spec`);
  return max;
}

export const FAULTS: Fault[] = [
  {
    id: "status-changed",
    description: "createCase answers 200 instead of 201",
    caughtBy: ["cases.create", "scopes.single-scope-writes"],
    response: (res, req) => (is(req, "createCase") && res.status === 201 ? { ...res, status: 200 } : undefined),
  },
  {
    id: "field-missing",
    description: "createCase's answer lacks the required status field",
    caughtBy: ["cases.create"],
    response: (res, req) =>
      is(req, "createCase") && res.status === 201 ? editJson(res, (body) => void delete body.status) : undefined,
  },
  {
    id: "extra-field",
    description: `createCase's answer carries an undocumented ${UNDOCUMENTED_FIELD} field`,
    caughtBy: ["cases.create"],
    response: (res, req) =>
      is(req, "createCase") && res.status === 201
        ? editJson(res, (body) => void (body[UNDOCUMENTED_FIELD] = new Date().toISOString()))
        : undefined,
  },
  {
    id: "enum-changed",
    description: 'sendInvite answers channel "mail", outside the enum',
    caughtBy: ["invites.channel"],
    response: (res, req) =>
      is(req, "sendInvite") && res.status === 201
        ? editJson(res, (body) => void (body.channel = body.channel === "email" ? "mail" : body.channel))
        : undefined,
  },
  {
    id: "envelope-dropped",
    description: "errors answer a bare { error: code } instead of the envelope",
    caughtBy: ["auth.no-token", "cases.duplicate-matter-ref", "bad-input.createCase"],
    response: (res) => (res.status >= 400 ? editJson(res, (body) => ({ error: body.error?.code })) : undefined),
  },
  {
    id: "content-type-changed",
    description: "successful answers say Content-Type: text/plain",
    caughtBy: ["token.exchange", "lists.first-page"],
    response: (res) =>
      res.status < 300
        ? { ...res, headers: { ...res.headers, "content-type": "text/plain; charset=utf-8" } }
        : undefined,
  },
  {
    id: "request-id-missing",
    description: "no X-Request-Id header on any answer",
    caughtBy: ["token.exchange", "lists.first-page", "auth.no-token"],
    response: (res) => {
      const { "x-request-id": _dropped, ...headers } = res.headers;
      return { ...res, headers };
    },
  },
  {
    id: "request-id-mismatch",
    description: "error bodies' requestId differs from the X-Request-Id header",
    caughtBy: ["auth.no-token", "token.invalid-client"],
    response: (res) =>
      res.status >= 400 ? { ...res, headers: { ...res.headers, "x-request-id": "req_somebody_else" } } : undefined,
  },
  {
    id: "unauthorized-as-forbidden",
    description: "every 401 becomes a 403",
    caughtBy: ["auth.no-token", "auth.invalid-token", "token.invalid-client"],
    response: (res) => (res.status === 401 ? { ...res, status: 403 } : undefined),
  },
  {
    id: "challenge-missing",
    description: "401s carry no WWW-Authenticate challenge",
    caughtBy: ["auth.no-token", "auth.invalid-token"],
    response: (res) => {
      if (res.status !== 401) return undefined;
      const { "www-authenticate": _dropped, ...headers } = res.headers;
      return { ...res, headers };
    },
  },
  {
    id: "scope-challenge-missing",
    description: "403 insufficient_scope does not name the needed scope in WWW-Authenticate",
    caughtBy: ["scopes.missing-scope"],
    response: (res) =>
      res.status === 403
        ? { ...res, headers: { ...res.headers, "www-authenticate": 'Bearer error="insufficient_scope"' } }
        : undefined,
  },
  {
    id: "scopes-not-narrowed",
    description: "the token exchange grants every scope the integration has, whatever was asked",
    caughtBy: ["token.principal", "scopes.missing-scope"],
    request: (req) =>
      is(req, "createSystemToken")
        ? editJson(
            req,
            (body) => void (Array.isArray(body.scopes) && body.scopes.length > 0 && (body.scopes = SPEC.scopes)),
          )
        : undefined,
  },
  {
    id: "lifetime-ignored",
    description: "expiresAt is always an hour ahead, whatever expiresInSeconds asked",
    caughtBy: ["token.expires-at"],
    response: (res, req) =>
      is(req, "createSystemToken") && res.status === 200
        ? editJson(res, (body) => void (body.expiresAt = Math.floor(Date.now() / 1000) + 3600))
        : undefined,
  },
  {
    id: "client-enumeration",
    description: "invalid_client says whether the clientId exists",
    caughtBy: ["token.invalid-client"],
    response: (res, req, memory) => {
      if (!is(req, "createSystemToken")) return undefined;
      const clientId = jsonOf(req)?.clientId;
      if (res.status === 200) memory.set(`client:${clientId}`, true);
      if (res.status !== 401 || memory.has(`client:${clientId}`)) return undefined;
      return editJson(res, (body) => void (body.error.message = "No integration has this clientId."));
    },
  },
  {
    id: "token-not-verified",
    description: "bearer tokens are not verified: any token (alg none, tampered, garbage) acts as a full one",
    caughtBy: ["auth.invalid-token"],
    response: rememberTokens,
    request: actAsFullToken((token, memory) => !isIssued(token, memory)),
  },
  {
    id: "scope-not-enforced",
    description: "operations do not check the token's scopes",
    caughtBy: ["scopes.missing-scope"],
    response: rememberTokens,
    request: actAsFullToken((token, memory) => isIssued(token, memory)),
  },
  {
    id: "duplicates-accepted",
    description: "a second case with the same matterRef is created",
    caughtBy: ["cases.duplicate-matter-ref"],
    request: (req, memory) => {
      if (!is(req, "createCase")) return undefined;
      const n = ((memory.get("n") as number | undefined) ?? 0) + 1;
      memory.set("n", n);
      return editJson(req, (body) => void (typeof body.matterRef === "string" && (body.matterRef += `~${n}`)));
    },
  },
  {
    id: "unknown-case-forbidden",
    description: "an unknown case is 403 instead of 404",
    caughtBy: ["cases.unknown-case"],
    response: (res) =>
      res.status === 404
        ? editJson({ ...res, status: 403 }, (body) => void (body.error.code = "forbidden"))
        : undefined,
  },
  {
    id: "party-email-dropped",
    description: "addParty answers email null although one was sent",
    caughtBy: ["parties.add"],
    response: (res, req) =>
      is(req, "addParty") && res.status === 201 ? editJson(res, (body) => void (body.email = null)) : undefined,
  },
  {
    id: "sms-ignored",
    description: "sendSms is ignored: every invite goes by email",
    caughtBy: ["invites.channel", "invites.missing-contact"],
    request: (req) =>
      is(req, "sendInvite")
        ? editJson(req, (body) => void (body.sendSms === true && (body.sendSms = false)))
        : undefined,
  },
  {
    id: "bad-input-crashes",
    description: "invalid requests crash into 500 internal_error",
    caughtBy: ["bad-input.createCase", "token.bad-scopes", "lists.limit-range"],
    response: (res) =>
      res.status === 400 && jsonOf(res)?.error?.code === "invalid_request"
        ? editJson(
            { ...res, status: 500 },
            (body) => void ((body.error.code = "internal_error"), (body.error.details = [])),
          )
        : undefined,
  },
  {
    id: "unknown-fields-accepted",
    description: "unknown body fields are silently dropped instead of refused",
    caughtBy: ["bad-input.createSystemToken", "bad-input.createCase", "bad-input.addParty", "bad-input.sendInvite"],
    request: (req, memory) => {
      const declared =
        (memory.get("declared") as ReturnType<typeof declaredProperties> | undefined) ?? declaredProperties();
      memory.set("declared", declared);
      const name = operationOf(req);
      const known = name && declared.get(name);
      const body = jsonOf(req);
      if (!known || !body || typeof body !== "object" || Array.isArray(body)) return undefined;
      return withJson(req, Object.fromEntries(Object.entries(body).filter(([key]) => known.has(key))));
    },
  },
  {
    id: "limit-not-enforced",
    description: "a limit over 200 is quietly treated as 200",
    caughtBy: ["lists.limit-range"],
    request: (req) => {
      const params = query(req);
      if (!is(req, "listCaseIds", "listUsers") || !(Number(params.get("limit")) > 200)) return undefined;
      params.set("limit", "200");
      return withQuery(req, params);
    },
  },
  {
    id: "forged-cursor-accepted",
    description: "a cursor the server never issued is ignored (first page) instead of refused",
    caughtBy: ["lists.forged-cursor"],
    response: (res, req, memory) => {
      const next = is(req, "listCaseIds", "listUsers") ? jsonOf(res)?.nextCursor : undefined;
      if (typeof next === "string") memory.set(`cursor:${next}`, true);
      return undefined;
    },
    request: (req, memory) => {
      const params = query(req);
      const cursor = params.get("cursor");
      if (!is(req, "listCaseIds", "listUsers") || cursor === null || memory.has(`cursor:${cursor}`)) return undefined;
      params.delete("cursor");
      return withQuery(req, params);
    },
  },
  {
    id: "ids-unsorted",
    description: "case ids come newest first within a page",
    caughtBy: ["lists.first-page", "lists.walk"],
    response: (res, req) =>
      is(req, "listCaseIds") && res.status === 200 ? editJson(res, (body) => void body.items.reverse()) : undefined,
  },
  {
    id: "page-repeats",
    description: "each page of case ids after the first repeats the page before it",
    caughtBy: ["lists.walk", "lists.case-ids-created"],
    response: (res, req, memory) => {
      if (!is(req, "listCaseIds") || res.status !== 200) return undefined;
      const previous = memory.get("previousItems");
      const body = jsonOf(res);
      memory.set("previousItems", body.items);
      return query(req).has("cursor") && previous ? withJson(res, { ...body, items: previous }) : undefined;
    },
  },
  {
    id: "page-ends-early",
    description: "the first page of a list says nextCursor null although more items follow",
    caughtBy: ["lists.walk", "lists.case-ids-created"],
    response: (res, req) =>
      is(req, "listCaseIds", "listUsers") && res.status === 200 && !query(req).has("cursor")
        ? editJson(res, (body) => void (body.nextCursor = null))
        : undefined,
  },
  {
    id: "last-page-cursor",
    description: "the last page of a list says nextCursor non-null, and following it gives an empty page",
    caughtBy: ["lists.walk", "lists.case-ids-created"],
    // The proxy cannot answer on its own: the made-up cursor is sent upstream as the last page's own request,
    // marked, and that answer is emptied.
    request: (req, memory) => {
      const lastPage = memory.get(`trailing:${query(req).get("cursor")}`) as string | undefined;
      return is(req, "listCaseIds", "listUsers") && lastPage
        ? { ...req, url: lastPage, headers: { ...req.headers, "x-fault-trailing-page": "1" } }
        : undefined;
    },
    response: (res, req, memory) => {
      if (!is(req, "listCaseIds", "listUsers") || res.status !== 200) return undefined;
      if (req.headers["x-fault-trailing-page"])
        return editJson(res, (body) => ({ ...body, items: [], nextCursor: null }));
      return editJson(res, (body) => {
        if (body.nextCursor !== null || body.items.length === 0) return;
        const made = `trailing${memory.size}`;
        memory.set(`trailing:${made}`, req.url);
        body.nextCursor = made;
      });
    },
  },
  {
    id: "idempotency-key-ignored",
    description: "the server ignores Idempotency-Key: a retried create runs again",
    caughtBy: ["idempotency.createCase"],
    request: (req) => {
      if (!req.headers["idempotency-key"]) return undefined;
      const { "idempotency-key": _dropped, ...headers } = req.headers;
      return { ...req, headers };
    },
  },
  {
    id: "constraint-not-enforced",
    description: "a matterRef over its maxLength is cut to fit and the case created, not refused",
    caughtBy: ["bad-input.createCase"],
    request: (req) => {
      if (!is(req, "createCase")) return undefined;
      const max = maxLengthOf("createCase", "matterRef");
      return editJson(
        req,
        (body) => void (typeof body.matterRef === "string" && (body.matterRef = body.matterRef.slice(0, max))),
      );
    },
  },
  {
    id: "boundary-refused",
    description: "a matterRef of exactly maxLength characters is refused (the bound taken as exclusive)",
    caughtBy: ["boundaries.createCase"],
    // The server itself refuses it, one character over, so the refusal keeps the contract's shape.
    request: (req) =>
      is(req, "createCase")
        ? editJson(
            req,
            (body) =>
              void (body.matterRef?.length === maxLengthOf("createCase", "matterRef") && (body.matterRef += "x")),
          )
        : undefined,
  },
  {
    id: "link-target-404",
    description: "addParty answers 404 case_not_found for the case createCase's link gave it",
    caughtBy: ["parties.add", "scopes.single-scope-writes", "boundaries.addParty"],
    request: (req) =>
      is(req, "addParty")
        ? { ...req, url: req.url.replace(/\/cases\/[^/]+\//, "/cases/case_not_this_one/") }
        : undefined,
  },
  {
    id: "created-case-unlisted",
    description: "a case created this run never appears in listCaseIds (the rule created-case-listed)",
    caughtBy: ["lists.case-ids-created"],
    response: (res, req, memory) => {
      const created = (memory.get("created") as Set<string> | undefined) ?? new Set<string>();
      memory.set("created", created);
      if (is(req, "createCase") && res.status === 201) created.add(jsonOf(res).caseId);
      if (!is(req, "listCaseIds") || res.status !== 200) return undefined;
      return editJson(res, (body) => void (body.items = body.items.filter((id: string) => !created.has(id))));
    },
  },
];

/** ASCII punctuation other than "-" and "_": what no fixed check puts in a matterRef (run ids, "x" padding). */
const PUNCTUATION = /[!-,./:-@[-^`{-~]/;

/**
 * Faults that no check of the suite catches, only --fuzz (fuzz.test.ts proves both): the server fails on a valid
 * value that no fixed check sends.
 */
export const FUZZ_ONLY_FAULTS: Fault[] = [
  {
    id: "punctuation-crashes",
    description: "createCase answers 500 when the matterRef holds ASCII punctuation (a quote, a slash...)",
    caughtBy: [],
    response: (res, req) => {
      if (!is(req, "createCase") || !PUNCTUATION.test(String(jsonOf(req)?.matterRef ?? ""))) return undefined;
      return { status: 500, headers: { "content-type": "text/plain" }, body: Buffer.from("Internal Server Error") };
    },
  },
];
