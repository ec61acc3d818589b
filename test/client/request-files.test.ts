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

  it("sends {{VERIFY_CLIENT_ACCESS_TOKEN}} as the collection's Bearer auth, and the token exchange stores it", () => {
    expect(collection.auth).toEqual({
      type: "bearer",
      bearer: [{ key: "token", value: "{{VERIFY_CLIENT_ACCESS_TOKEN}}", type: "string" }],
    });
    const exchange = postmanItems().find(
      (item) => postmanOperation(item.request) === "POST /v1/microapps/system-tokens",
    );
    expect(exchange.request.auth).toEqual({ type: "noauth" });
    expect(exchange.event[0].script.exec.join("\n")).toContain(
      'pm.collectionVariables.set("VERIFY_CLIENT_ACCESS_TOKEN", body["accessToken"])',
    );
  });

  it("names the variables a partner sets as the product page does", () => {
    expect(collection.variable.map((v: any) => v.key)).toEqual(
      expect.arrayContaining([
        "VERIFY_CLIENT_BASE_URL",
        "VERIFY_CLIENT_CLIENT_ID",
        "VERIFY_CLIENT_CLIENT_SECRET",
        "VERIFY_CLIENT_ACCESS_TOKEN",
      ]),
    );
    expect(JSON.stringify(collection)).not.toMatch(/\{\{(baseUrl|clientId|clientSecret|accessToken)\}\}/);
  });

  it("runs in order against the reference server, each request answered 2xx, with the 1.0.0 variable names", async () => {
    // The collection's variables, set under their 1.0.0 names as that README said, and just enough of Postman's `pm`
    // for its scripts: the collection's pre-request script carries them over with a deprecation line.
    const vars: Record<string, string> = Object.fromEntries(collection.variable.map((v: any) => [v.key, v.value]));
    Object.assign(vars, { baseUrl: server.baseUrl, clientId: server.clientId, clientSecret: server.clientSecret });
    const warnings: string[] = [];
    const collectionVariables = { set: (k: string, v: string) => (vars[k] = v), get: (k: string) => vars[k] };
    const prerequest = { collectionVariables, environment: { get: () => undefined } };
    for (const event of collection.event)
      new Function("pm", "console", event.script.exec.join("\n"))(prerequest, {
        warn: (w: string) => warnings.push(w),
      });
    expect(warnings).toContain("the variable clientId is deprecated: set VERIFY_CLIENT_CLIENT_ID instead");
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
        collectionVariables,
      };
      for (const event of item.event ?? []) new Function("pm", event.script.exec.join("\n"))(pm);
    }
    expect(vars.VERIFY_CLIENT_ACCESS_TOKEN).toMatch(/^ey/);
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
