// The MCP server: the contract's operations as tools and the Arazzo workflows as prompts, over any transport.
// Tool failures (refused credentials or scope, an API error, bad arguments, an unreachable API) come back as tool
// errors with the code and message, never as a crash or a protocol error.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { ArazzoWorkflow, Contract } from "../contract/index.ts";
import { workflowMarkdown } from "../contract/workflow-markdown.ts";
import { ValueChecks } from "../contract/value-checks.ts";
import { ApiFailure } from "./api-failure.ts";
import { OperationCalls } from "./operation-calls.ts";
import { TokenSource, type Credentials } from "./token-source.ts";
import { operationTools } from "./tools.ts";

export interface McpServerParts {
  contract: Contract;
  workflows: readonly ArazzoWorkflow[];
  /** Undefined id or secret: tools are listed, and each call says which variables to set. */
  credentials: Partial<Credentials> & { baseUrl: string };
  log: (line: string) => void;
}

const failed = (text: string): CallToolResult => ({ isError: true, content: [{ type: "text", text }] });

export function createMcpServer({ contract, workflows, credentials, log }: McpServerParts): Server {
  const tools = operationTools(contract);
  const exchange = contract.operations.find((op) => op.scope === null);
  if (!exchange) throw new Error("the contract has no token exchange (an operation with security: [])");
  const { clientId, clientSecret, baseUrl } = credentials;
  const calls =
    clientId && clientSecret
      ? new OperationCalls(
          baseUrl,
          new TokenSource({ baseUrl, clientId, clientSecret }, exchange),
          new ValueChecks(contract),
        )
      : undefined;

  const server = new Server(
    { name: "verify-client", version: contract.doc.info.version },
    {
      capabilities: { tools: {}, prompts: {} },
      instructions: `${contract.doc.info.title} (${baseUrl}): ${contract.doc.info.summary} Each tool is one operation; the server holds the credentials and gets a token with just the scope each tool needs. Prompts are the documented workflows.`,
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: t.inputSchema,
      ...(t.responseSchema?.type === "object" ? { outputSchema: t.responseSchema as { type: "object" } } : {}),
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = tools.find((t) => t.name === request.params.name);
    if (!tool) return failed(`No tool named ${request.params.name}.`);
    if (!calls)
      return failed(
        "VERIFY_CLIENT_CLIENT_ID and VERIFY_CLIENT_CLIENT_SECRET are not set for this MCP server: set them in its environment (npm start prints the demo integration's on its first start).",
      );
    try {
      const body = await calls.call(tool, request.params.arguments ?? {});
      return {
        content: [{ type: "text", text: JSON.stringify(body) }],
        ...(body !== null && typeof body === "object" && !Array.isArray(body)
          ? { structuredContent: body as Record<string, unknown> }
          : {}),
      };
    } catch (e) {
      if (e instanceof ApiFailure) {
        log(`${tool.name}: ${e.status ?? "no answer"} ${e.code}`);
        return failed(e.text);
      }
      // fetch's own failures (refused connection, timeout) name the address, never a header or the body.
      const cause =
        e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ""}` : String(e);
      log(`${tool.name}: ${cause}`);
      return failed(`The API at ${baseUrl} did not answer: ${cause}`);
    }
  });

  const intro = [
    "Follow this workflow with this server's tools: a step that calls an operation is the tool of the same name, its",
    "path and query parameters and body fields given as one set of arguments. The server holds the credentials and",
    `exchanges them itself: skip steps that call \`${exchange.operationId}\`, and leave out Authorization headers and credential inputs.`,
  ].join(" ");
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: workflows.map((w) => ({ name: w.workflowId, description: w.summary ?? w.description })),
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const workflow = workflows.find((w) => w.workflowId === request.params.name);
    if (!workflow) throw new Error(`No prompt named ${request.params.name}.`);
    return {
      description: workflow.summary,
      messages: [{ role: "user", content: { type: "text", text: `${intro}\n\n${workflowMarkdown(workflow, "#")}` } }],
    };
  });
  return server;
}
