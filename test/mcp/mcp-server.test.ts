import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadContract,
  loadWorkflowFiles,
  readBundle,
  repoRoot,
  stepOperationId,
  type ExampleObject,
  type MediaTypeObject,
} from "../../contract/index.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";

// The MCP server as an MCP-capable tool runs it: `npm run -s mcp` (the README's command) over stdio, driven by the
// SDK's own client, against the reference server. Tools, their inputs and the calls are all read from the spec.
const contract = loadContract();
const fixtureWorkflows = join(repoRoot, "test/fixtures/workflows");
const runId = randomUUID().slice(0, 8);

interface Connected {
  client: Client;
  stderr: string[];
  close(): Promise<void>;
}

async function connect(env: Record<string, string>): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: "npm",
    args: ["run", "-s", "mcp"],
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stderr: "pipe",
  });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const client = new Client({ name: "verify-client-test", version: "1.0.0" });
  // Anything on stdout that is not JSON-RPC reaches the client as an error.
  const protocolErrors: Error[] = [];
  client.onerror = (e) => protocolErrors.push(e);
  await client.connect(transport);
  return {
    client,
    stderr,
    async close() {
      await client.close();
      expect(protocolErrors).toEqual([]);
    },
  };
}

const text = (result: CallToolResult) => result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");

/** The first request example of an operation, and its parameters' examples: valid arguments read from the spec. */
function exampleArguments(operationId: string): Record<string, unknown> {
  const op = contract.operation(operationId);
  const media = contract.resolve<MediaTypeObject | undefined>(op.requestBody?.content?.["application/json"]);
  const first = Object.values(media?.examples ?? {})[0];
  const body = first ? (contract.resolve<ExampleObject>(first).value as Record<string, unknown>) : {};
  const params = op.parameters.filter((p) => p.in !== "header" && p.example !== undefined);
  return { ...Object.fromEntries(params.map((p) => [p.name, p.example])), ...body };
}

describe("npm run -s mcp (the MCP server) against the reference server", () => {
  let server: InProcessServer;
  let mcp: Connected;
  const outputs: string[] = [];
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = (await mcp.client.callTool({ name, arguments: args })) as CallToolResult;
    outputs.push(JSON.stringify(result));
    return result;
  };

  beforeAll(async () => {
    // One failed exchange per clientId before 429: the invalid_client test proves the server exchanges only once.
    server = await startInProcess({ env: { TOKEN_FAILURES_PER_CLIENT: "1" } });
    mcp = await connect({
      VERIFY_CLIENT_BASE_URL: server.baseUrl,
      VERIFY_CLIENT_CLIENT_ID: server.clientId,
      VERIFY_CLIENT_CLIENT_SECRET: server.clientSecret,
      VERIFY_CLIENT_MCP_WORKFLOWS: fixtureWorkflows,
    });
  });
  afterAll(async () => {
    await mcp?.close();
    await server?.close();
  });

  it("lists one tool per operation but the token exchange, named, described and typed from the spec", async () => {
    const { tools } = await mcp.client.listTools();
    const scoped = contract.operations.filter((op) => op.scope !== null);
    expect(tools.map((t) => t.name)).toEqual(scoped.map((op) => op.operationId));
    for (const op of scoped) {
      const tool = tools.find((t) => t.name === op.operationId)!;
      expect(tool.description).toContain(op.summary);
      expect(tool.description).toContain(op.scope);
      const inputs = Object.keys(tool.inputSchema.properties ?? {});
      for (const p of op.parameters.filter((p) => p.in !== "header")) expect(inputs).toContain(p.name);
      for (const field of Object.keys(contract.readSchema(op.requestSchema)?.properties ?? {}))
        expect(inputs).toContain(field);
      expect(inputs.includes("idempotencyKey")).toBe(op.parameters.some((p) => p.name === "Idempotency-Key"));
      expect(JSON.stringify(tool.inputSchema)).not.toContain("$ref");
    }
  });

  it("calls each tool with the spec's examples, ids from earlier answers, and gets answers that fit the spec", async () => {
    const { tools } = await mcp.client.listTools();
    const known: Record<string, unknown> = { matterRef: `mcp-${runId}` };
    for (const tool of tools) {
      const args = exampleArguments(tool.name);
      for (const name of Object.keys(args)) if (name in known) args[name] = known[name];
      for (const name of tool.inputSchema.required ?? []) if (name in known) args[name] = known[name];
      const result = await call(tool.name, args);
      expect(result.isError, `${tool.name}: ${text(result)}`).toBeFalsy();
      const body = result.structuredContent as Record<string, unknown>;
      expect(JSON.parse(text(result))).toEqual(body);
      for (const [key, value] of Object.entries(body))
        if (typeof value === "string" && key.endsWith("Id")) known[key] = value;
    }
    expect(known.caseId).toBeDefined();
  });

  it("a repeated write replays the first answer (derived Idempotency-Key); the same matterRef under another key is a tool error, 409 duplicate_matter_ref", async () => {
    const args = { matterRef: `mcp-${runId}-repeat`, matterType: "Purchase" };
    const first = await call("createCase", args);
    const again = await call("createCase", { matterType: "Purchase", matterRef: args.matterRef });
    expect(again.structuredContent).toEqual(first.structuredContent);
    const duplicate = await call("createCase", { ...args, idempotencyKey: `other-${runId}` });
    expect(duplicate.isError).toBe(true);
    expect(text(duplicate)).toMatch(/^409 duplicate_matter_ref: /);
  });

  it("bad input is a tool error naming invalid_request, and the server carries on", async () => {
    for (const args of [{ matterRef: "" }, { matterRef: `mcp-${runId}-x`, unknownField: 1 }, {}]) {
      const result = await call("createCase", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(text(result)).toMatch(/invalid_request/);
    }
    const path = await call("addParty", { caseId: "case_nowhere", name: "Nobody" });
    expect(text(path)).toMatch(/^404 case_not_found: /);
    expect((await call("listUsers", {})).isError).toBeFalsy();
  });

  it("a scope the integration no longer holds is a tool error, 403 insufficient_scope naming it", async () => {
    const narrowed = contract.scopeNames.filter((s) => s !== "users.list");
    await server.admin.updateIntegration({ appId: server.clientId, scopes: narrowed });
    try {
      const refused = await call("listUsers", {});
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/^403 insufficient_scope: .*users\.list/);
    } finally {
      await server.admin.updateIntegration({ appId: server.clientId, scopes: [...contract.scopeNames] });
    }
  });

  it("gives each workflow as a prompt, step by step with the tools to call", async () => {
    const { prompts } = await mcp.client.listPrompts();
    const workflows = loadWorkflowFiles(fixtureWorkflows).flatMap((f) => f.workflows);
    expect(prompts.map((p) => p.name)).toEqual(workflows.map((w) => w.workflowId));
    for (const workflow of workflows) {
      const prompt = await mcp.client.getPrompt({ name: workflow.workflowId });
      const message = prompt.messages.map((m) => (m.content.type === "text" ? m.content.text : "")).join("\n");
      for (const step of workflow.steps) expect(message).toContain(`\`${stepOperationId(step)}\``);
    }
  });

  it("never shows the client secret or a token to the model or in its log", () => {
    const seen = [...outputs, ...mcp.stderr].join("\n");
    expect(seen).not.toContain(server.clientSecret);
    expect(seen).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
  });

  it("after one 401 invalid_client it stops exchanging: every call is that error until restart", async () => {
    const refused = await connect({
      VERIFY_CLIENT_BASE_URL: server.baseUrl,
      VERIFY_CLIENT_CLIENT_ID: randomUUID(),
      VERIFY_CLIENT_CLIENT_SECRET: "wrong",
    });
    try {
      // A second exchange for this clientId would be 429 rate_limited (TOKEN_FAILURES_PER_CLIENT=1).
      for (const name of ["listUsers", "listCaseIds", "listUsers"]) {
        const result = (await refused.client.callTool({ name, arguments: {} })) as CallToolResult;
        expect(result.isError).toBe(true);
        expect(text(result)).toMatch(/^401 invalid_client: /);
      }
    } finally {
      await refused.close();
    }
  });

  it("an operation added to a copy of the bundle is a tool with no code change; answers are checked against the copy's schemas", async () => {
    const dir = mkdtempSync(join(tmpdir(), "verify-client-mcp-"));
    const doc = readBundle();
    const users = doc.paths?.["/v1/microapps/api/users"] as { get: Record<string, unknown> };
    doc.paths!["/v1/microapps/api/users/again"] = { get: { ...users.get, operationId: "listUsersAgain" } };
    // A narrower User.name than the server's: its real answer now breaks this copy's response schema.
    const user = doc.components!.schemas!.User as unknown as { properties: { name: Record<string, unknown> } };
    user.properties.name = { ...user.properties.name, maxLength: 1 };
    writeFileSync(join(dir, "openapi.yaml"), stringify(doc));
    const copy = await connect({
      VERIFY_CLIENT_BASE_URL: server.baseUrl,
      VERIFY_CLIENT_CLIENT_ID: server.clientId,
      VERIFY_CLIENT_CLIENT_SECRET: server.clientSecret,
      VERIFY_CLIENT_MCP_BUNDLE: join(dir, "openapi.yaml"),
    });
    try {
      const { tools } = await copy.client.listTools();
      const added = tools.find((t) => t.name === "listUsersAgain");
      expect(added?.inputSchema).toEqual(tools.find((t) => t.name === "listUsers")?.inputSchema);
      // The reference server does not have it: its answer comes back as the tool's error.
      const missing = (await copy.client.callTool({ name: "listUsersAgain", arguments: {} })) as CallToolResult;
      expect(text(missing)).toMatch(/^404 not_found: /);
      const broken = (await copy.client.callTool({ name: "listUsers", arguments: {} })) as CallToolResult;
      expect(broken.isError).toBe(true);
      expect(text(broken)).toMatch(/^200 response_not_in_contract: .*must NOT have more than 1 character/);
    } finally {
      await copy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
