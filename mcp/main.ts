// `npm run -s mcp`: the MCP server on stdio. stdout carries only JSON-RPC; every log line goes to stderr.
// Reads the base URL and credentials from the product page's variables, the contract from generated/openapi.yaml
// (or --bundle / VERIFY_CLIENT_MCP_BUNDLE) and the workflows from spec/workflows/ (or --workflows /
// VERIFY_CLIENT_MCP_WORKFLOWS).
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Command } from "commander";
import { loadContract, loadWorkflowFiles, repoFiles } from "../contract/index.ts";
import { createMcpServer } from "./server.ts";

const LOCAL_SANDBOX = "http://localhost:8081";

const options = new Command("mcp")
  .description("The Verify Client API as MCP tools (one per operation) and prompts (one per workflow), on stdio.")
  .option("--bundle <file>", "the bundled OpenAPI document", process.env.VERIFY_CLIENT_MCP_BUNDLE || repoFiles.bundle)
  .option(
    "--workflows <dir>",
    "the Arazzo workflows' folder",
    process.env.VERIFY_CLIENT_MCP_WORKFLOWS || repoFiles.workflows,
  )
  .parse()
  .opts<{ bundle: string; workflows: string }>();

const log = (line: string) => process.stderr.write(`verify-client-mcp: ${line}\n`);
const env = process.env;
const credentials = {
  baseUrl: env.VERIFY_CLIENT_BASE_URL || LOCAL_SANDBOX,
  clientId: env.VERIFY_CLIENT_CLIENT_ID || undefined,
  clientSecret: env.VERIFY_CLIENT_CLIENT_SECRET || undefined,
};
const server = createMcpServer({
  contract: loadContract(options.bundle),
  workflows: loadWorkflowFiles(options.workflows).flatMap((f) => f.workflows),
  credentials,
  log,
});
await server.connect(new StdioServerTransport());
log(
  `ready: ${credentials.baseUrl}${credentials.clientId ? "" : " (no credentials: set VERIFY_CLIENT_CLIENT_ID and VERIFY_CLIENT_CLIENT_SECRET)"}`,
);
