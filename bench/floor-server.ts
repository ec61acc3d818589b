// Baseline F, the floor: what three measured operations cost on this machine with no framework at all. node:http
// and better-sqlite3 run the SQL the reference server runs for each (on the same migrated schema, WAL,
// synchronous NORMAL) and nothing else: no routing, no request or response validation, no request log, no
// security headers, no idempotency or limit checks, bearer tokens looked up in a Map (as the server's verified-
// token cache does) and no IP range check. So no implementation of these operations on this stack can be faster;
// npm run bench shows each reference figure as a share of it. Started as its own process by bench/run.ts; prints
// "ready <port> <clientId> <clientSecret>".
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { SignJWT, generateKeyPair } from "jose";
import { ensureDemoIntegration } from "../server-stub/demo.ts";
import { DATABASE_FILE, openStore } from "../server-stub/store/database.ts";
import { newId } from "../server-stub/store/ids.ts";

const dataDir = mkdtempSync(join(tmpdir(), "verify-client-floor-"));
const store = await openStore({ dataDir });
const demo = await ensureDemoIntegration(store);
await store.close();

const db = new BetterSqlite3(join(dataDir, DATABASE_FILE));
db.exec("pragma journal_mode = WAL; pragma synchronous = NORMAL; pragma foreign_keys = ON");
const integrationWithFirmScopes = db.prepare(
  "select integrations.*, firms.scopes as firm_scopes from integrations inner join firms on firms.org_id = integrations.org_id where integrations.app_id = ?",
);
const insertCase = db.prepare(
  "insert into cases (case_id, org_id, matter_ref, matter_type, property_address, require_sof, created_by_app_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
);
const insertParty = db.prepare(
  "insert into parties (party_id, case_id, org_id, name, email, mobile, role, party_type, is_primary_contact, client_access_status, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
);
const auditColumns =
  "(audit_id, org_id, case_id, actor_type, actor_id, actor_token_kind, actor_identifier, action, target_id, request_id, created_at)";
const insertTwoAuditRows = db.prepare(
  `insert into audit ${auditColumns} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const caseIdsPage = db.prepare("select case_id from cases where org_id = ? order by case_id limit ?").pluck();
const begin = db.prepare("begin immediate");
const commit = db.prepare("commit");

const { privateKey } = await generateKeyPair("EdDSA");
const cursorKey = randomBytes(32);
/** The floor's own tokens: what a verified-token cache hit gives the server. */
const issued = new Map<string, { appId: string; orgId: string }>();

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(json);
}

function integrationOf(req: IncomingMessage): { app_id: string; org_id: string; identifier: string } | undefined {
  const principal = issued.get((req.headers.authorization ?? "").slice("Bearer ".length));
  return (
    principal &&
    (integrationWithFirmScopes.get(principal.appId) as
      | { app_id: string; org_id: string; identifier: string }
      | undefined)
  );
}

async function tokenExchange(
  body: { clientId: string; clientSecret: string; scopes: string[]; expiresInSeconds?: number },
  res: ServerResponse,
) {
  const row = integrationWithFirmScopes.get(body.clientId) as
    | { app_id: string; org_id: string; secret_hash: string; scopes: string; firm_scopes: string }
    | undefined;
  const presented = createHash("sha256").update(body.clientSecret).digest();
  if (!row || !timingSafeEqual(presented, Buffer.from(row.secret_hash, "hex")))
    return send(res, 401, { error: { code: "invalid_client" } });
  const allowed = new Set(JSON.parse(row.scopes) as string[]);
  const firm = new Set(JSON.parse(row.firm_scopes) as string[]);
  const scopes = body.scopes.filter((s) => allowed.has(s) && firm.has(s));
  const expiresIn = body.expiresInSeconds ?? 3600;
  const accessToken = await new SignJWT({ org: row.org_id, scopes })
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt" })
    .setSubject(row.app_id)
    .setIssuedAt()
    .setExpirationTime(`${expiresIn}s`)
    .setJti(randomUUID())
    .sign(privateKey);
  issued.set(accessToken, { appId: row.app_id, orgId: row.org_id });
  send(res, 200, { accessToken, tokenType: "Bearer", expiresIn, scopes });
}

function createCase(
  req: IncomingMessage,
  body: { matterRef: string; matterType?: string; parties: { name: string; email: string; role: string }[] },
  res: ServerResponse,
) {
  const integration = integrationOf(req);
  if (!integration) return send(res, 401, { error: { code: "unauthorized" } });
  const now = new Date().toISOString();
  const caseId = newId("case");
  const party = body.parties[0];
  const partyId = newId("party");
  const audit = (action: string, targetId: string) => [
    newId("audit"),
    integration.org_id,
    caseId,
    "microApp",
    integration.app_id,
    "system",
    integration.identifier,
    action,
    targetId,
    "floor",
    now,
  ];
  begin.run();
  try {
    insertCase.run(
      caseId,
      integration.org_id,
      body.matterRef,
      body.matterType ?? null,
      null,
      0,
      integration.app_id,
      now,
    );
    insertParty.run(
      partyId,
      caseId,
      integration.org_id,
      party.name,
      party.email,
      null,
      party.role,
      "individual",
      0,
      "not_sent",
      now,
    );
    insertTwoAuditRows.run(...audit("case.created", caseId), ...audit("party.added", partyId));
    commit.run();
  } catch (error) {
    if (db.inTransaction) db.exec("rollback");
    throw error;
  }
  send(res, 201, {
    caseId,
    status: "NotStarted",
    parties: [{ partyId, name: party.name, clientAccessStatus: "not_sent" }],
  });
}

function listCaseIds(req: IncomingMessage, res: ServerResponse) {
  const integration = integrationOf(req);
  if (!integration) return send(res, 401, { error: { code: "unauthorized" } });
  const limit = Number(new URL(req.url!, "http://floor").searchParams.get("limit") ?? 200);
  const rows = caseIdsPage.all(integration.org_id, limit + 1) as string[];
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor =
    rows.length > limit
      ? Buffer.concat([
          createHmac("sha256", cursorKey)
            .update(`listCaseIds\n${integration.org_id}\n${last}`)
            .digest()
            .subarray(0, 16),
          Buffer.from(last),
        ]).toString("base64url")
      : null;
  send(res, 200, { ok: true, items, nextCursor });
}

const server = createServer((req, res) => {
  let raw = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    const route = `${req.method} ${req.url!.split("?")[0]}`;
    Promise.resolve()
      .then(() => {
        if (route === "POST /v1/microapps/system-tokens") return tokenExchange(JSON.parse(raw), res);
        if (route === "POST /v1/cases") return createCase(req, JSON.parse(raw), res);
        if (route === "GET /v1/microapps/api/cases/ids") return listCaseIds(req, res);
        send(res, 404, { error: { code: "not_found" } });
      })
      .catch((error) => send(res, 500, { error: { code: "internal_error", message: String(error) } }));
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `ready ${typeof address === "object" && address ? address.port : 0} ${demo.appId} ${demo.clientSecret}\n`,
  );
});
process.on("SIGTERM", () =>
  server.close(() => {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }),
);
