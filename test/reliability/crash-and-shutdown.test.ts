// The real compiled server process (what `npm start` runs) under load: kill -9 loses nothing it acknowledged and,
// with the same Idempotency-Keys, retries create nothing twice; SIGTERM cuts no request off; the admin CLI
// writing at the same time never makes a client see a locked database.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { repoFiles, repoRoot } from "../../server-stub/repo-files.ts";
import { openStore, type StoreOptions } from "../../server-stub/store/database.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";
import { ALL_SCOPES, assertDistIsFresh, tokenFor, waitForExit } from "../server/harness.ts";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One POST over node:http (an agent of its own, or a fresh connection); rejects on a connection error. */
function post(
  baseUrl: string,
  path: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      new URL(path, baseUrl),
      {
        method: "POST",
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload),
          ...headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function storeOf(server: ReferenceServer): StoreOptions {
  return server.dataDir ? { dataDir: server.dataDir } : { databaseUrl: server.storeEnv.DATABASE_URL };
}

function sameStore(server: ReferenceServer): { dataDir?: string; databaseUrl?: string } {
  return server.dataDir ? { dataDir: server.dataDir } : { databaseUrl: server.storeEnv.DATABASE_URL };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => assertDistIsFresh());

describe("kill -9 during a steady stream of creates", () => {
  it("every case answered 201 is there after a restart, with its parties and audit rows; retried keys create nothing twice", async () => {
    const env = { IDEMPOTENCY_LOCK_SECONDS: "1" };
    const first = await startReferenceServer({ inProcess: false, env });
    let second: ReferenceServer | undefined;
    try {
      const token = await tokenFor(first, first, ALL_SCOPES);
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      interface Sent {
        key: string;
        body: { matterRef: string; parties: { name: string; email: string }[] };
        answer?: Answer;
      }
      const sent: Sent[] = [];
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const item: Sent = {
            key: randomUUID(),
            body: {
              matterRef: `KILL-${randomUUID()}`,
              parties: [
                { name: "Ann Buyer", email: "ann@example.com" },
                { name: "Bo Buyer", email: "bo@example.com" },
              ],
            },
          };
          sent.push(item);
          try {
            item.answer = await post(
              first.baseUrl,
              "/v1/cases",
              token,
              item.body,
              { "Idempotency-Key": item.key },
              agent,
            );
          } catch {
            return; // the process is gone: this request's outcome is unknown
          }
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      // Let the stream run, then kill the process while requests are in flight.
      const deadline = Date.now() + 20_000;
      while (sent.filter((s) => s.answer?.status === 201).length < 120 && Date.now() < deadline) await sleep(10);
      process.kill(first.pid!, "SIGKILL");
      killed = true;
      await Promise.all(workers);
      agent.destroy();
      expect(
        sent.every((s) => s.answer === undefined || s.answer.status === 201),
        JSON.stringify(sent.find((s) => s.answer && s.answer.status !== 201)),
      ).toBe(true);
      const acknowledged = sent.filter((s) => s.answer?.status === 201);
      const unknown = sent.filter((s) => s.answer === undefined);

      second = await startReferenceServer({ inProcess: false, env, ...sameStore(first) });
      const store = await openStore(storeOf(first));
      let found = 0;
      try {
        for (const { answer } of acknowledged) {
          const caseId = answer!.body.caseId;
          const row = await store.db
            .selectFrom("cases")
            .select("case_id")
            .where("case_id", "=", caseId)
            .executeTakeFirst();
          const parties = await store.db
            .selectFrom("parties")
            .select("party_id")
            .where("case_id", "=", caseId)
            .orderBy("party_id")
            .execute();
          const audit = await store.db
            .selectFrom("audit")
            .select(["action", "target_id"])
            .where("case_id", "=", caseId)
            .execute();
          expect(row, caseId).toBeDefined();
          expect(parties.map((p) => p.party_id)).toEqual(
            answer!.body.parties.map((p: { partyId: string }) => p.partyId).sort(),
          );
          expect(audit.map((a) => `${a.action} ${a.target_id}`).sort()).toEqual(
            [`case.created ${caseId}`, ...parties.map((p) => `party.added ${p.party_id}`)].sort(),
          );
          found++;
        }
      } finally {
        await store.close();
      }

      // The requests cut off by the kill, retried with their keys once the dead process's lock has run out.
      await sleep(1100);
      const retried = await Promise.all(
        unknown.map((s) => post(second!.baseUrl, "/v1/cases", token, s.body, { "Idempotency-Key": s.key })),
      );
      expect(retried.map((r) => r.status)).toEqual(unknown.map(() => 201));
      const replayed = retried.filter((r) => r.headers["idempotent-replayed"] === "true").length;
      const check = await openStore(storeOf(first));
      try {
        for (const s of sent) {
          const rows = await check.db
            .selectFrom("cases")
            .select("case_id")
            .where("matter_ref", "=", s.body.matterRef)
            .execute();
          expect(rows, s.body.matterRef).toHaveLength(1);
        }
      } finally {
        await check.close();
      }
      console.info(
        `kill -9: ${acknowledged.length} cases acknowledged (201), ${found} found after restart with their parties and audit rows; ` +
          `${unknown.length} requests in flight at the kill, retried with their keys: ${replayed} replayed (committed before the kill), ${unknown.length - replayed} created once`,
      );
      expect(found).toBe(acknowledged.length);
    } finally {
      await second?.close();
      await first.close();
    }
  }, 60_000);
});

describe("SIGTERM under load", () => {
  it("every request the server took is answered in full, none is done without its answer, and the process exits within 10 s", async () => {
    const server = await startReferenceServer({ inProcess: false });
    const token = await tokenFor(server, server, ALL_SCOPES);
    const outcomes: { matterRef: string; status?: number; error?: string }[] = [];
    const worker = async () => {
      // Until the closed listener refuses the next connection.
      for (;;) {
        const matterRef = `TERM-${randomUUID()}`;
        const outcome: { matterRef: string; status?: number; error?: string } = { matterRef };
        outcomes.push(outcome);
        try {
          outcome.status = (
            await post(server.baseUrl, "/v1/cases", token, { matterRef, parties: [{ name: "Cy Client" }] })
          ).status;
        } catch (e) {
          outcome.error = (e as NodeJS.ErrnoException).code ?? String(e);
          return;
        }
      }
    };
    // A request whose body is still arriving when the signal lands.
    const slowRef = `TERM-SLOW-${randomUUID()}`;
    const slow = new Promise<number>((resolve, reject) => {
      const payload = JSON.stringify({ matterRef: slowRef });
      const req = request(new URL("/v1/cases", server.baseUrl), {
        method: "POST",
        agent: false,
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(payload),
        },
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode!));
      });
      req.on("error", reject);
      req.write(payload.slice(0, 10));
      setTimeout(() => req.end(payload.slice(10)), 1500);
    });
    const workers = Array.from({ length: 6 }, worker);
    await sleep(500);
    const signalledAt = Date.now();
    process.kill(server.pid!, "SIGTERM");
    expect(await slow).toBe(201);
    await Promise.all(workers);
    const exitedAfter = (await waitForExit(server.pid!, 10_000)) - signalledAt;

    const store = await openStore(storeOf(server));
    try {
      const answered = outcomes.filter((o) => o.status !== undefined);
      const refused = outcomes.filter((o) => o.error !== undefined);
      console.info(
        `SIGTERM under load: ${answered.length} requests answered (${answered.filter((o) => o.status === 201).length} x 201), ${refused.length} refused after the listener closed (${[...new Set(refused.map((o) => o.error))].join(", ")}), exit after ${exitedAfter} ms`,
      );
      expect(answered.every((o) => o.status === 201)).toBe(true);
      expect(exitedAfter).toBeLessThan(10_000);
      // A request that got no answer must not have been done: otherwise it was cut off after the work.
      for (const o of refused) {
        const rows = await store.db
          .selectFrom("cases")
          .select("case_id")
          .where("matter_ref", "=", o.matterRef)
          .execute();
        expect(rows, `${o.matterRef} (${o.error}) was created but never answered`).toHaveLength(0);
      }
      expect(
        await store.db.selectFrom("cases").select("case_id").where("matter_ref", "=", slowRef).execute(),
      ).toHaveLength(1);
      for (const o of answered) {
        expect(
          await store.db.selectFrom("cases").select("case_id").where("matter_ref", "=", o.matterRef).execute(),
        ).toHaveLength(1);
      }
    } finally {
      await store.close();
      await server.close();
    }
  }, 60_000);
});

describe("the admin CLI writing while the server serves", () => {
  it("no client sees a locked database or any 5xx, and every CLI command succeeds", async () => {
    const server = await startReferenceServer({ inProcess: false });
    try {
      const token = await tokenFor(server, server, ALL_SCOPES);
      const adminCli = (...args: string[]) =>
        promisify(execFile)(process.execPath, [repoFiles.distAdminCli, ...args, "--json"], {
          cwd: repoRoot,
          env: { ...process.env, ...server.storeEnv },
        });
      const statuses: number[] = [];
      const bodies: string[] = [];
      let done = false;
      const agent = new Agent({ keepAlive: true });
      const worker = async () => {
        while (!done) {
          const answer = await post(
            server.baseUrl,
            "/v1/cases",
            token,
            { matterRef: `CLI-${randomUUID()}`, parties: [{ name: "Di Client" }] },
            {},
            agent,
          );
          statuses.push(answer.status);
          bodies.push(JSON.stringify(answer.body));
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      const cli = await Promise.all([
        adminCli("seed-cases", "--org", server.orgId, "--count", "15000"),
        ...Array.from({ length: 2 }, (_, i) => adminCli("firm", "create", "--name", `CLI Firm ${i}`)),
        adminCli(
          "user",
          "add",
          "--org",
          server.orgId,
          "--name",
          "Eve Admin",
          "--email",
          "eve@example.com",
          "--role",
          "admin",
        ),
        adminCli(
          "integration",
          "create",
          "--org",
          server.orgId,
          "--identifier",
          "cli-race",
          "--scopes",
          "cases.create",
          "--allowed-ip-ranges",
          "127.0.0.0/8",
        ),
        adminCli("keys", "rotate"),
      ]);
      done = true;
      await Promise.all(workers);
      agent.destroy();
      console.info(
        `admin CLI racing the server: ${cli.length} CLI commands, ${statuses.length} creates meanwhile (${statuses.filter((s) => s === 201).length} x 201)`,
      );
      expect(cli.every((c) => c.stderr === "")).toBe(true);
      expect(statuses.length).toBeGreaterThan(10);
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      expect(bodies.join("\n")).not.toMatch(/locked|busy|SQLITE/i);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe("concurrent duplicates against the server process", () => {
  it("50 concurrent creates with one matterRef, each on its own connection: exactly one 201 and 49 x 409 duplicate_matter_ref", async () => {
    const server = await startReferenceServer({ inProcess: false });
    try {
      const token = await tokenFor(server, server, ALL_SCOPES);
      const matterRef = `RACE-${randomUUID()}`;
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          post(server.baseUrl, "/v1/cases", token, { matterRef, parties: [{ name: "Ra Ce" }] }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      console.info(
        `50 concurrent creates with one matterRef: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 409).length} x 409`,
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(
        Array(49).fill("duplicate_matter_ref"),
      );
    } finally {
      await server.close();
    }
  }, 30_000);
});
