// When the database does not answer, the server answers 503 unavailable with Retry-After and the envelope (not a
// 500, not a hang, not a crash), does nothing, and serves again by itself once the database is back.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../server-stub/repo-files.ts";
import { spawnUntilReady } from "../support/processes.ts";
import {
  call,
  errorCode,
  onPostgres,
  sqliteOnly,
  startTestServer,
  tokenFor,
  type TestServer,
} from "../server/harness.ts";
import { caseBody } from "../support/request-bodies.ts";

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = await tokenFor(server, server);
});
afterAll(() => server?.close());

const casesWith = async (matterRef: string) =>
  (await server.store.db.selectFrom("cases").select("case_id").where("matter_ref", "=", matterRef).execute()).length;

describe("a database that does not answer", () => {
  it.skipIf(onPostgres)(
    sqliteOnly(
      "SQLite held by another connection's BEGIN EXCLUSIVE past the busy timeout: 503 unavailable with Retry-After, nothing written; 201 once it lets go",
      "SQLite file locks",
    ),
    async () => {
      // Another process takes the write lock and keeps it past the server's busy timeout (5 s).
      const holder = await spawnUntilReady(
        process.execPath,
        [
          "-e",
          `const db = new (require("better-sqlite3"))(process.argv[1]);
         db.exec("begin exclusive"); process.stdout.write("locked\\n");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 7000);
         db.exec("commit");`,
          server.store.location,
        ],
        { name: "the lock holder", ready: /^locked$/, cwd: repoRoot },
      );
      const matterRef = `OUTAGE-${randomUUID()}`;
      const refused = await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef }) });
      expect(refused.status).toBe(503);
      expect(errorCode(refused)).toBe("unavailable");
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(refused.body.requestId).toBe(refused.headers.get("x-request-id"));
      expect(await casesWith(matterRef)).toBe(0);

      await holder.exited;
      const created = await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef }) });
      expect(created.status).toBe(201);
      expect(await casesWith(matterRef)).toBe(1);
    },
  );
});
