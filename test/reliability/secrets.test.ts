// No client secret or access token in any log line, error body or the store after a full run of `npm start`
// (tokens, failures, bad and tampered tokens, a rotated secret, cases, parties, invites, lists, shutdown). The
// one exception is the demo integration's secret in npm start's one-time banner.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoFiles, repoRoot } from "../../server-stub/repo-files.ts";
import { openStore } from "../../server-stub/store/database.ts";
import { spawnNpmStart } from "../support/reference-server.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";
import { ALL_SCOPES, assertDistIsFresh } from "../server/harness.ts";

let store: ThrowawayStore;
beforeAll(async () => {
  assertDistIsFresh();
  store = await createThrowawayStore(process.env.DATABASE_URL);
});
afterAll(() => store?.dispose());

interface Exchanged {
  status: number;
  text: string;
  headers: string;
}

describe("secrets", () => {
  it("after a full run, no client secret or access token is in the log, an error body or the store (the banner's demo secret excepted)", async () => {
    const server = await spawnNpmStart(store.env, { logLevel: "trace", keepOutput: true });
    const { lines, exited } = server;
    const url = server.ready[1];

    const answers: Exchanged[] = [];
    const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(url + path, {
        method,
        headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const answer = { status: res.status, text: await res.text(), headers: JSON.stringify([...res.headers]) };
      answers.push(answer);
      return answer;
    };
    const secrets: string[] = [];
    const tokens: string[] = [];
    const exchange = async (clientId: string, clientSecret: string, scopes = ALL_SCOPES) => {
      const answer = await send("POST", "/v1/microapps/system-tokens", { clientId, clientSecret, scopes });
      if (answer.status === 200) tokens.push(JSON.parse(answer.text).accessToken);
      return answer;
    };

    try {
      const demoId = lines.find((l) => l.startsWith("clientId: "))!.slice("clientId: ".length);
      const demoSecret = lines.find((l) => l.startsWith("clientSecret: "))!.slice("clientSecret: ".length);
      secrets.push(demoSecret);
      expect((await exchange(demoId, demoSecret)).status).toBe(200);

      // A second integration made and rotated with the admin CLI while the server runs (its output is the one
      // place those secrets are shown, so the CLI's own stdout is not scanned).
      const cli = async (...args: string[]) =>
        JSON.parse(
          (
            await promisify(execFile)(process.execPath, [repoFiles.distAdminCli, ...args, "--json"], {
              cwd: repoRoot,
              env: { ...process.env, ...store.env },
            })
          ).stdout,
        );
      const orgId = (await cli("firm", "create", "--name", "Secretive LLP")).orgId;
      const created = await cli(
        "integration",
        "create",
        "--org",
        orgId,
        "--identifier",
        "secret-cms",
        "--scopes",
        "cases.create,users.list",
        "--allowed-ip-ranges",
        "127.0.0.0/8",
      );
      secrets.push(created.clientSecret);
      expect((await exchange(created.appId, created.clientSecret, ["users.list"])).status).toBe(200);
      const rotated = await cli("integration", "rotate-secret", "--app-id", created.appId);
      secrets.push(rotated.clientSecret);
      expect((await exchange(created.appId, created.clientSecret, ["users.list"])).status).toBe(401);
      expect((await exchange(created.appId, rotated.clientSecret, ["users.list"])).status).toBe(200);

      // Failures that carry a secret: a wrong one, one with a bad scope, one in malformed JSON, one over-long.
      const wrong = "wrong-secret-7Hq2vX9pLm3Rt8Kd";
      secrets.push(wrong);
      expect((await exchange(demoId, wrong)).status).toBe(401);
      expect(
        (
          await send("POST", "/v1/microapps/system-tokens", {
            clientId: demoId,
            clientSecret: demoSecret,
            scopes: ["nope"],
          })
        ).status,
      ).toBe(400);
      expect(
        (await send("POST", "/v1/microapps/system-tokens", `{"clientId":"${demoId}","clientSecret":"${demoSecret}"`))
          .status,
      ).toBe(400);
      expect(
        (
          await send("POST", "/v1/microapps/system-tokens", {
            clientId: demoId,
            clientSecret: `${demoSecret}\u0001`,
            scopes: ["users.list"],
          })
        ).status,
      ).toBe(400);

      // Work with the tokens, and tokens that are not accepted.
      const [token] = tokens;
      const bearer = { Authorization: `Bearer ${token}` };
      const made = JSON.parse(
        (
          await send(
            "POST",
            "/v1/cases",
            {
              matterRef: "SECRETS-1",
              parties: [{ name: "Sam Secret", email: "sam@example.com", mobile: "+447700900123" }],
            },
            { ...bearer, "Idempotency-Key": "secrets-1" },
          )
        ).text,
      );
      await send(
        "POST",
        "/v1/cases",
        {
          matterRef: "SECRETS-1",
          parties: [{ name: "Sam Secret", email: "sam@example.com", mobile: "+447700900123" }],
        },
        { ...bearer, "Idempotency-Key": "secrets-1" },
      );
      await send("POST", `/v1/cases/${made.caseId}/parties`, { name: "Pat Party" }, bearer);
      await send(
        "POST",
        `/v1/cases/${made.caseId}/invites`,
        { partyId: made.parties[0].partyId, sendSms: true },
        bearer,
      );
      await send("GET", "/v1/microapps/api/cases/ids?limit=1", undefined, bearer);
      await send("GET", "/v1/microapps/api/users", undefined, bearer);
      for (const bad of [
        `${token}x`,
        token.split(".").slice(0, 2).join(".") + ".AAAA",
        token.replace(/^[^.]+/, "eyJhbGciOiJub25lIn0"),
      ]) {
        expect(
          (await send("GET", "/v1/microapps/api/users", undefined, { Authorization: `Bearer ${bad}` })).status,
        ).toBe(401);
      }
      expect((await send("GET", `/v1/microapps/api/users?access_token=${token}`)).status).toBe(401);
      expect(
        (await send("GET", "/v1/microapps/api/users", undefined, { Authorization: `Basic ${token}` })).status,
      ).toBe(401);
      expect(
        (await send("POST", "/v1/cases", { matterRef: "SECRETS-2", clientSecret: demoSecret }, bearer)).status,
      ).toBe(400);
    } finally {
      process.kill(-server.pid, "SIGTERM");
      await exited;
    }

    const needles = [...secrets, ...tokens, ...tokens.map((t) => t.split(".")[2])];
    expect(needles.length).toBeGreaterThanOrEqual(10);
    // The banner's three lines that carry the demo secret: the secret itself, the export line and the curl.
    const banner = new Set(
      lines.filter(
        (l) => l.startsWith("clientSecret: ") || l.startsWith("export VERIFY_CLIENT_") || l.startsWith("curl "),
      ),
    );
    expect(banner.size).toBe(3);

    // The log: every line npm start wrote (stdout and stderr), the banner's three lines apart.
    const logged = lines.filter((l) => !banner.has(l));
    expect(logged.filter((l) => l.startsWith("{")).length).toBeGreaterThan(20);
    for (const needle of needles) expect(logged.filter((l) => l.includes(needle))).toEqual([]);

    // Every answer but a successful token exchange's: error bodies, headers, everything.
    const shown = answers.filter((a) => !(a.status === 200 && a.text.includes('"accessToken"')));
    for (const needle of needles)
      expect(shown.filter((a) => a.text.includes(needle) || a.headers.includes(needle)).map((a) => a.text)).toEqual([]);

    // The store: every row of every table, and on SQLite every byte of its files (WAL and freed pages too).
    const opened = await openStore(store.options);
    try {
      const tables = await opened.db.introspection.getTables();
      expect(tables.length).toBeGreaterThanOrEqual(12);
      const dump = (
        await Promise.all(
          tables.map(async (t) =>
            JSON.stringify(
              await opened.db
                .selectFrom(t.name as never)
                .selectAll()
                .execute(),
            ),
          ),
        )
      ).join("\n");
      for (const needle of needles) expect(dump.includes(needle), "a secret or token in the store's rows").toBe(false);
    } finally {
      await opened.close();
    }
    if (store.dataDir) {
      for (const file of readdirSync(store.dataDir)) {
        const bytes = readFileSync(join(store.dataDir, file)).toString("latin1");
        for (const needle of needles) expect(bytes.includes(needle), `a secret or token in ${file}`).toBe(false);
      }
    }
  }, 60_000);
});
