// The admin CLI as a child process (`node dist/server-stub/admin/cli.js`, what `npm run admin` runs) against the
// store of a running server: changes apply to live tokens at once.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoFiles, repoRoot } from "../../server-stub/repo-files.ts";
import { createThrowawayStore } from "../support/throwaway-store.ts";
import {
  ALL_SCOPES,
  assertDistIsFresh,
  call,
  errorCode,
  startTestServer,
  tokenFor,
  type TestServer,
} from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

const run = promisify(execFile);

/** Runs the CLI on the store that `storeEnv` names (DATA_DIR or DATABASE_URL). */
async function admin(
  storeEnv: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [repoFiles.distAdminCli, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...storeEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function adminJson(storeEnv: Record<string, string>, ...args: string[]): Promise<any> {
  const result = await admin(storeEnv, ...args, "--json");
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(result.stdout.trim().split("\n")).toHaveLength(1);
  return JSON.parse(result.stdout);
}

let server: TestServer;
beforeAll(async () => {
  assertDistIsFresh();
  server = await startTestServer();
});
afterAll(() => server?.close());

// Each CLI call is a Node process (2-3 s apiece on a loaded machine, the long test makes nine): the file's tests get
// the time they need, a hang guard several times what they take on a quiet machine.
describe("admin CLI", { timeout: 120_000 }, () => {
  it("a usage error ends with its one line and exits 2; --help exits 0", async () => {
    for (const [args, line] of [
      [["firm", "create"], "error: required option '--name <name>' not specified"],
      [["nosuch"], "error: unknown command 'nosuch'"],
      [["firm", "create", "--name", "X", "--scopes", "nope"], "error: --scopes: unknown scope(s) nope;"],
    ] as const) {
      const result = await admin(server.storeEnv, ...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(line);
    }
    const help = await admin(server.storeEnv, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: admin");
  });

  it("works on a brand-new store (migrations run on open)", async () => {
    const fresh = await createThrowawayStore(process.env.DATABASE_URL);
    try {
      const firm = await adminJson(fresh.env, "firm", "create", "--name", "Fresh LLP");
      expect(firm.orgId).toMatch(/^org_/);
      expect(firm.scopes).toEqual(ALL_SCOPES);
      const human = await admin(fresh.env, "integration", "list", "--org", firm.orgId);
      expect(human.stdout.trim()).toBe("(none)");
    } finally {
      await fresh.dispose();
    }
  });

  it("sets up a firm, user and integration the running server accepts; disable and narrowing bite live tokens", async () => {
    const store = server.storeEnv;
    const firm = await adminJson(
      store,
      "firm",
      "create",
      "--name",
      "CLI Firm",
      "--scopes",
      "cases.create,users.list,cases.ids.list",
    );
    const user = await adminJson(
      store,
      "user",
      "add",
      "--org",
      firm.orgId,
      "--name",
      "Ann Admin",
      "--email",
      "ann@example.com",
      "--role",
      "admin",
    );
    expect(user).toMatchObject({ userId: expect.stringMatching(/^user_/), orgId: firm.orgId });
    const created = await adminJson(
      store,
      "integration",
      "create",
      "--org",
      firm.orgId,
      "--identifier",
      "cli-cms",
      "--scopes",
      "cases.create,users.list",
      "--allowed-ip-ranges",
      "127.0.0.0/8,::1/128",
    );
    expect(created).toMatchObject({
      appId: expect.any(String),
      clientSecret: expect.any(String),
      scopes: ["cases.create", "users.list"],
    });
    const credentials = { clientId: created.appId, clientSecret: created.clientSecret };
    const token = await tokenFor(server, credentials, ["cases.create", "users.list"]);
    const users = await call(server, "GET", "/v1/microapps/api/users", { token });
    expect(users.body.items).toEqual([
      { userId: user.userId, name: "Ann Admin", email: "ann@example.com", role: "admin" },
    ]);

    const listed = await adminJson(store, "integration", "list", "--org", firm.orgId);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.clientSecret);

    await adminJson(store, "integration", "update", "--app-id", created.appId, "--scopes", "cases.create");
    expect(errorCode(await call(server, "GET", "/v1/microapps/api/users", { token }))).toBe("insufficient_scope");
    await adminJson(store, "integration", "update", "--app-id", created.appId, "--scopes", "cases.create,users.list");
    await adminJson(store, "firm", "update", "--org", firm.orgId, "--scopes", "cases.create");
    expect(errorCode(await call(server, "GET", "/v1/microapps/api/users", { token }))).toBe("insufficient_scope");

    const case1 = await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "CLI-1" }) });
    expect(case1.status).toBe(201);
    const audit = await adminJson(store, "audit", "--org", firm.orgId, "--limit", "5");
    // Newest first: the firm's scope change above is an admin audit row too (issue 16).
    expect(audit).toEqual([
      expect.objectContaining({ action: "case.created", targetId: case1.body.caseId, actorId: created.appId }),
      expect.objectContaining({ action: "firm.scopes_changed", targetId: firm.orgId, actorType: "admin" }),
    ]);

    const rotated = await adminJson(store, "integration", "rotate-secret", "--app-id", created.appId);
    expect(Object.keys(rotated).sort()).toEqual(["appId", "clientSecret"]);
    expect(
      (
        await call(server, "POST", "/v1/microapps/system-tokens", {
          body: { ...credentials, scopes: ["cases.create"] },
        })
      ).status,
    ).toBe(401);

    await adminJson(store, "integration", "disable", "--app-id", created.appId);
    expect(errorCode(await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "CLI-2" }) }))).toBe(
      "token_revoked",
    );
  });

  it("a scope reaches an existing firm and integration with --add-scopes, audited, without restating the others", async () => {
    const firm = await server.admin.createFirm({ name: "Older Firm", scopes: ["cases.create"] });
    const integration = await server.admin.createIntegration({
      orgId: firm.orgId,
      identifier: "older-cms",
      scopes: ["cases.create"],
      allowedIpRanges: ["127.0.0.0/8", "::1/128"],
    });
    const credentials = { clientId: integration.appId, clientSecret: integration.clientSecret };
    const store = server.storeEnv;
    expect(await adminJson(store, "firm", "update", "--org", firm.orgId, "--add-scopes", "users.list")).toMatchObject({
      scopes: ["cases.create", "users.list"],
    });
    const updated = await adminJson(
      store,
      "integration",
      "update",
      "--app-id",
      integration.appId,
      "--add-scopes",
      "users.list",
    );
    expect(updated.scopes).toEqual(["cases.create", "users.list"]);
    const token = await tokenFor(server, credentials, ["cases.create", "users.list"]);
    expect((await call(server, "GET", "/v1/microapps/api/users", { token })).status).toBe(200);
    const audit = await server.admin.audit(firm.orgId);
    expect(audit).toEqual([expect.objectContaining({ action: "firm.scopes_changed", targetId: firm.orgId })]);
  });

  it("reads the outbox, seeds cases, and rotates the signing key while the server runs", async () => {
    const store = server.storeEnv;
    const token = await tokenFor(server, server);
    const created = await call(server, "POST", "/v1/cases", {
      token,
      body: { matterRef: "CLI-OUT", parties: [{ name: "P", email: "p@example.com" }] },
    });
    const { caseId } = created.body;
    const invite = await call(server, "POST", `/v1/cases/${caseId}/invites`, {
      token,
      body: { partyId: created.body.parties[0].partyId },
    });
    const outbox = await adminJson(store, "outbox", "--org", server.orgId, "--limit", "1");
    expect(outbox).toEqual([
      expect.objectContaining({ inviteId: invite.body.inviteId, channel: "email", to: "p@example.com" }),
    ]);

    const seeded = await adminJson(store, "seed-cases", "--org", server.orgId, "--count", "1000");
    expect(seeded).toEqual({ orgId: server.orgId, created: 1000 });
    const page = await call(server, "GET", "/v1/microapps/api/cases/ids?limit=200", { token });
    expect(page.body.nextCursor).not.toBeNull();

    const { kid } = await adminJson(store, "keys", "rotate");
    const fresh = await tokenFor(server, server, ["users.list"]);
    expect(JSON.parse(Buffer.from(fresh.split(".")[0], "base64url").toString()).kid).toBe(kid);
    expect((await call(server, "GET", "/v1/microapps/api/users", { token })).status).toBe(200);
  });

  it("bad input exits non-zero with a clear message and no stack trace", async () => {
    const store = server.storeEnv;
    for (const [args, message] of [
      [["firm", "create"], /required option '--name <name>'/],
      [["firm", "create", "--name", "X", "--scopes", "cases.create,cases.delete"], /unknown scope\(s\) cases\.delete/],
      [
        [
          "integration",
          "create",
          "--org",
          server.orgId,
          "--identifier",
          "x",
          "--scopes",
          "cases.create",
          "--allowed-ip-ranges",
          "10.0.0.0/40",
        ],
        /invalid CIDR/,
      ],
      [["integration", "disable", "--app-id", "nope"], /no integration with appId nope/],
      [["audit", "--org", server.orgId, "--limit", "100001"], /integer from 1 to 100000/],
      [
        ["user", "add", "--org", "org_nope", "--name", "A", "--email", "a@example.com", "--role", "admin"],
        /no firm with orgId org_nope/,
      ],
      [["integration", "update", "--app-id", server.clientId], /nothing to update/],
      [["frobnicate"], /unknown command 'frobnicate'/],
    ] as const) {
      const result = await admin(store, ...args);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("names its flags in the admin layer's input errors", async () => {
    const store = server.storeEnv;
    const create = ["integration", "create", "--org", server.orgId, "--identifier", "cli-twice"];
    const access = ["--scopes", "cases.create", "--allowed-ip-ranges", "127.0.0.0/8"];
    expect((await admin(store, ...create, ...access)).code).toBe(0);
    const again = await admin(store, ...create, ...access);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toBe("error: the firm already has an integration with --identifier cli-twice\n");
    const nothing = await admin(store, "integration", "update", "--app-id", server.clientId);
    expect(nothing.stderr).toBe("error: nothing to update: give --scopes and/or --allowed-ip-ranges\n");
  });

  it("--help lists exactly the documented commands", async () => {
    const result = await admin(server.storeEnv, "--help");
    expect(result.code).toBe(0);
    for (const command of ["firm", "user", "integration", "audit", "outbox", "keys", "seed-cases"])
      expect(result.stdout).toContain(command);
    const integration = await admin(server.storeEnv, "integration", "--help");
    for (const sub of ["create", "update", "rotate-secret", "disable", "list"])
      expect(integration.stdout).toContain(sub);
  });
});
