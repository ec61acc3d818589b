// generated/postman_collection.json and generated/requests.http: every operation is in each, and each runs from
// top to bottom against the reference server (the token and ids flow from one response to the next request).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postmanOperation, stableUuid } from "../../scripts/postman.ts";
import { loadContract, repoRoot } from "../../contract/index.ts";
import { startReferenceServer, type ReferenceServer } from "../support/reference-server.ts";

const contract = loadContract();
const expected = contract.operations.map((op) => `${op.method} ${op.path}`).sort();
const collection = JSON.parse(readFileSync(join(repoRoot, "generated/postman_collection.json"), "utf8"));
const httpFile = readFileSync(join(repoRoot, "generated/requests.http"), "utf8");

const postmanItems = (): any[] => collection.item.flatMap((folder: any) => (folder.request ? [folder] : folder.item));

interface Sent {
  status: number;
  body: any;
}

async function send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Sent> {
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("Postman collection", () => {
  let server: ReferenceServer;
  beforeAll(async () => (server = await startReferenceServer()));
  afterAll(() => server?.close());

  it("has every operation once, with an id derived from the operation", () => {
    expect(
      postmanItems()
        .map((item) => postmanOperation(item.request))
        .sort(),
    ).toEqual(expected);
    const byOperation = new Map(contract.operations.map((op) => [`${op.method} ${op.path}`, op.operationId]));
    for (const item of postmanItems())
      expect(item.id).toBe(stableUuid(byOperation.get(postmanOperation(item.request))!));
  });

  it("sends {{accessToken}} as the collection's Bearer auth, and the token exchange stores it", () => {
    expect(collection.auth).toEqual({
      type: "bearer",
      bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }],
    });
    const exchange = postmanItems().find(
      (item) => postmanOperation(item.request) === "POST /v1/microapps/system-tokens",
    );
    expect(exchange.request.auth).toEqual({ type: "noauth" });
    expect(exchange.event[0].script.exec.join("\n")).toContain(
      'pm.collectionVariables.set("accessToken", body["accessToken"])',
    );
  });

  it("runs in order against the reference server, each request answered 2xx", async () => {
    // The collection's variables, and just enough of Postman's `pm` for its test scripts.
    const vars: Record<string, string> = Object.fromEntries(collection.variable.map((v: any) => [v.key, v.value]));
    Object.assign(vars, { baseUrl: server.baseUrl, clientId: server.clientId, clientSecret: server.clientSecret });
    const fill = (text: string) =>
      text.replace(/\{\{(\$guid|\w+)\}\}/g, (_, name) => (name === "$guid" ? randomUUID() : vars[name]));

    for (const item of postmanItems()) {
      const { request } = item;
      const path = request.url.path.map((s: string) =>
        s.startsWith(":") ? request.url.variable.find((v: any) => v.key === s.slice(1)).value : s,
      );
      const query = (request.url.query ?? []).filter((q: any) => !q.disabled).map((q: any) => `${q.key}=${q.value}`);
      const url = fill(`${request.url.host.join(".")}/${path.join("/")}${query.length ? `?${query.join("&")}` : ""}`);
      const headers = Object.fromEntries(request.header.map((h: any) => [h.key, fill(h.value)]));
      if (request.auth?.type !== "noauth") headers.Authorization = `Bearer ${fill(collection.auth.bearer[0].value)}`;
      const reply = await send(request.method, url, headers, request.body?.raw && fill(request.body.raw));
      expect(reply.status, `${item.name}: ${JSON.stringify(reply.body)}`).toBeGreaterThanOrEqual(200);
      expect(reply.status).toBeLessThan(300);

      const pm = {
        response: { code: reply.status, json: () => reply.body },
        collectionVariables: { set: (k: string, v: string) => (vars[k] = v) },
      };
      for (const event of item.event ?? []) new Function("pm", event.script.exec.join("\n"))(pm);
    }
    expect(vars.accessToken).toMatch(/^ey/);
    expect(vars.caseId).toMatch(/^case_/);
  });
});

describe("requests.http", () => {
  let server: ReferenceServer;
  beforeAll(async () => (server = await startReferenceServer()));
  afterAll(() => server?.close());

  const blocks = httpFile.split(/^### .*$/m).slice(1);

  it("has one request per operation, named for its operationId", () => {
    const requests = blocks.map((block) => /^(GET|POST|PUT|PATCH|DELETE) \{\{baseUrl\}\}([^?\s]*)/m.exec(block)!);
    const paths = requests.map(
      ([, method, path]) => `${method} ${path.replace(/\{\{(\w+)\.response\.body\.\$\.(\w+)\}\}/g, "{$2}")}`,
    );
    expect(paths.sort()).toEqual(expected);
    const names = blocks.map((block) => /^# @name (\w+)$/m.exec(block)?.[1]);
    expect(names.sort()).toEqual(contract.operations.map((op) => op.operationId).sort());
  });

  it("runs top to bottom against the reference server, each request answered 2xx", async () => {
    // What an editor that runs .http files does: file variables, {{$guid}}, and {{name.response.body.$.field}}.
    const vars: Record<string, string> = {
      baseUrl: server.baseUrl,
      clientId: server.clientId,
      clientSecret: server.clientSecret,
    };
    const responses: Record<string, any> = {};
    const fill = (text: string) =>
      text.replace(/\{\{([^}]+)\}\}/g, (_, ref: string) => {
        if (ref === "$guid") return randomUUID();
        const fromResponse = /^(\w+)\.response\.body\.\$\.(\w+)$/.exec(ref);
        return fromResponse ? responses[fromResponse[1]][fromResponse[2]] : vars[ref];
      });

    for (const block of blocks) {
      const name = /^# @name (\w+)$/m.exec(block)![1];
      const lines = block.split("\n").filter((line) => !line.startsWith("#"));
      const start = lines.findIndex((line) => /^[A-Z]+ /.test(line));
      const blank = lines.indexOf("", start);
      const [method, url] = fill(lines[start]).split(" ");
      const headers = Object.fromEntries(
        lines
          .slice(start + 1, blank < 0 ? undefined : blank)
          .filter(Boolean)
          .map((h) =>
            fill(h)
              .split(/: (.*)/s)
              .slice(0, 2),
          ),
      );
      const body =
        blank < 0
          ? ""
          : lines
              .slice(blank + 1)
              .join("\n")
              .trim();
      const reply = await send(method, url, headers, body ? fill(body) : undefined);
      expect(reply.status, `${name}: ${JSON.stringify(reply.body)}`).toBeGreaterThanOrEqual(200);
      expect(reply.status).toBeLessThan(300);
      responses[name] = reply.body;
    }
    expect(responses.sendInvite.channel).toBe("email");
  });
});
