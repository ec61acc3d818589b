// Each error message is written once, in the spec: the server raises every error by a code from
// generated/error-catalogue.ts, and what it sends is that code's example message from the spec, with the named
// values ({scope}, {limit}) filled in. Checked at every throw site in server-stub/ and on the wire.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes, loadContract, repoRoot } from "../../contract/index.ts";
import { ApiError } from "../../server-stub/errors/api-error.ts";
import { call, errorCode, exchange, startTestServer, tokenFor, type Reply, type TestServer } from "./harness.ts";
import { caseBody } from "../support/request-bodies.ts";

/** The spec's one status and example message of each code, as the examples state them. */
function specMessages(): Map<string, { status: number; message: string }> {
  const byCode = new Map<string, { status: number; message: string }>();
  for (const { status, code, messages } of errorCodes(loadContract())) {
    expect(messages, `${code}: one example message in the spec`).toHaveLength(1);
    byCode.set(code, { status: Number(status), message: messages[0] });
  }
  return byCode;
}

/** A message the spec's example allows: the example's text, with any value where it names one ({scope}). */
function exampleAsPattern(example: string): RegExp {
  const literal = example.split(/\{[A-Za-z]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${literal.join(".+")}$`);
}

/** Every `new ApiError("code", ...)` in server-stub/, with the file it is in. */
function throwSites(): { file: string; code: string }[] {
  const dir = join(repoRoot, "server-stub");
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .flatMap((file) =>
      [...readFileSync(join(dir, file), "utf8").matchAll(/new ApiError\(\s*"([a-z_]+)"/g)].map((m) => ({
        file,
        code: m[1],
      })),
    );
}

describe("every throw site's message is its code's example in the spec", () => {
  const spec = specMessages();
  const sites = throwSites();

  it("finds the throw sites", () => expect(sites.length).toBeGreaterThan(20));

  it.each(sites.map((site) => [`${site.file}: ${site.code}`, site]))("%s", (_name, { code }) => {
    const documented = spec.get(code);
    expect(documented, `${code} is documented in the spec`).toBeDefined();
    const names = [...(documented?.message ?? "").matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]);
    const values = Object.fromEntries(names.map((name) => [name, `<${name}>`]));
    // Built as a throw site builds it; `code` is a string here, so through Reflect rather than the typed constructor.
    const error: ApiError = Reflect.construct(ApiError, [code, names.length > 0 ? { values } : undefined]);
    expect(error.status).toBe(documented?.status);
    expect(error.message).toMatch(exampleAsPattern(documented?.message ?? ""));
    for (const name of names) expect(error.message).toContain(`<${name}>`);
  });
});

describe("what the server sends is the spec's message for its code", () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    // Small limits, so that a third party, a second invite and a second failed exchange are refused.
    server = await startTestServer({
      PARTIES_PER_CASE: "2",
      INVITES_PER_PARTY_PER_DAY: "1",
      TOKEN_FAILURES_PER_CLIENT: "1",
    });
    token = await tokenFor(server, server);
  });
  afterAll(() => server?.close());

  it("on every kind of refusal", async () => {
    const created = await call(server, "POST", "/v1/cases", {
      token,
      body: { matterRef: "CATALOGUE-1", parties: [{ name: "A", email: "a@example.com" }, { name: "B" }] },
    });
    const { caseId } = created.body;
    const [withEmail, withoutEmail] = created.body.parties.map((p: { partyId: string }) => p.partyId);
    const invite = (partyId: string, sendSms = false) =>
      call(server, "POST", `/v1/cases/${caseId}/invites`, { token, body: { partyId, sendSms } });
    await invite(withEmail);
    const narrow = await tokenFor(server, server, ["cases.create"]);
    const unknownClient = { clientId: "00000000-0000-4000-8000-000000000000", clientSecret: "wrong" };
    await exchange(server, unknownClient);

    const replies: Reply[] = [
      await call(server, "GET", "/nowhere"),
      await call(server, "DELETE", "/v1/cases", { token }),
      await call(server, "GET", "/v1/microapps/api/users"),
      await call(server, "GET", "/v1/microapps/api/users", { token: "not.a.token" }),
      await call(server, "GET", "/v1/microapps/api/users", { token: narrow }),
      await call(server, "POST", "/v1/cases", { token, body: {} }),
      await call(server, "POST", "/v1/cases", {
        token,
        rawBody: "{bad",
        headers: { "Content-Type": "application/json" },
      }),
      await call(server, "POST", "/v1/cases", { token, body: caseBody({ matterRef: "CATALOGUE-1" }) }),
      await call(server, "POST", "/v1/cases/case_nope/parties", { token, body: { name: "X" } }),
      await call(server, "POST", `/v1/cases/${caseId}/parties`, { token, body: { name: "C" } }),
      await invite("party_nope"),
      await invite(withEmail),
      await invite(withoutEmail),
      await invite(withoutEmail, true),
      await call(server, "GET", "/v1/microapps/api/cases/ids?cursor=forged", { token }),
      await exchange(server, unknownClient),
      await exchange(server, { clientId: server.clientId, clientSecret: "wrong" }),
    ];
    const spec = specMessages();
    for (const reply of replies) {
      const code = errorCode(reply);
      expect(reply.status, code).toBe(spec.get(code)?.status);
      expect(reply.body.error.message, code).toMatch(exampleAsPattern(spec.get(code)?.message ?? ""));
    }
  });
});
