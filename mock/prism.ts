// Prism (@stoplight/prism-cli 5.14) from generated/openapi.yaml, as a mock or as a validating proxy.
//   npm run mock                         the mock on 127.0.0.1:4010, answering with the spec's examples
//   npm run mock -- --dynamic            the mock, answering with data generated from the schemas
//   npm run mock:proxy -- <upstream>     the validating proxy (prism proxy --errors) in front of a real server
// Tests and the bench run either on a free port with startPrism() from test/support/prism.ts.
// `npm run mock` puts invalid-request-front.ts before Prism (on a free loopback port), so an invalid request is
// answered `400 invalid_request` as the reference server answers it.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";
import { loadContract } from "../contract/index.ts";
import { repoFiles, repoRoot } from "../contract/repo-paths.ts";
import { freePort } from "./free-port.ts";
import { startInvalidRequestFront } from "./invalid-request-front.ts";

const SPEC = repoFiles.bundle;
export const PRISM_BIN = join(repoRoot, "node_modules/.bin/prism");

export interface PrismOptions {
  /** Omit for the mock; give the upstream URL for the validating proxy. */
  upstream?: string;
  host?: string;
  port: number;
  dynamic?: boolean;
}

export function prismArgs(options: PrismOptions): string[] {
  const host = options.host ?? "127.0.0.1";
  const common = ["--host", host, "--port", String(options.port)];
  if (options.upstream) return ["proxy", SPEC, options.upstream, "--errors", ...common];
  return ["mock", SPEC, ...common, ...(options.dynamic ? ["--dynamic"] : [])];
}

async function main(): Promise<void> {
  const program = new Command("mock")
    .description("Prism from generated/openapi.yaml: the example-answering mock, or with --proxy the validating proxy")
    .addOption(
      new Option("--proxy <upstream>", "run Prism's validating proxy (prism proxy --errors) in front of this server"),
    )
    .option(
      "--dynamic",
      "answer with data generated from the schemas instead of the spec's examples (mock only)",
      false,
    )
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on", "4010")
    .argument("[upstream]", "the upstream URL, for `npm run mock:proxy -- <url>`")
    .addHelpText(
      "after",
      `
Examples:
  npm run mock
  curl -s -X POST http://127.0.0.1:4010/v1/cases -H 'Authorization: Bearer any' \\
    -H 'Content-Type: application/json' -H 'Prefer: code=409' -d '{"matterRef":"MAT-1"}'
  npm run mock:proxy -- http://localhost:8081`,
    )
    .action(
      async (
        positional: string | undefined,
        options: { proxy?: string; dynamic: boolean; host: string; port: string },
      ) => {
        // `npm run mock:proxy -- <url>` runs `prism.ts --proxy <url>`: commander reads the URL as --proxy's value.
        const upstream = options.proxy ?? positional;
        if (options.dynamic && upstream) program.error("--dynamic applies to the mock only");
        if (upstream) {
          const child = spawn(PRISM_BIN, prismArgs({ upstream, host: options.host, port: Number(options.port) }), {
            stdio: "inherit",
          });
          stopWithParent(child);
          return;
        }
        await mockBehindFront(options.host, Number(options.port), options.dynamic);
      },
    );
  await program.parseAsync();
}

/** Signals that stop this process stop Prism too (npm, tsx and a terminal each deliver them here), and its exit ends ours. */
function stopWithParent(child: ChildProcess): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Prism on a free loopback port, and the front on host:port; Prism's lines name the front's address. */
async function mockBehindFront(host: string, port: number, dynamic: boolean): Promise<void> {
  const prismPort = await freePort();
  const prismUrl = `http://127.0.0.1:${prismPort}`;
  const child = spawn(PRISM_BIN, prismArgs({ dynamic, host: "127.0.0.1", port: prismPort }), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  stopWithParent(child);
  const front = startInvalidRequestFront({ contract: loadContract(), prismUrl, host, port });
  front.catch((error: Error) => {
    console.error(`npm run mock: cannot listen on ${host}:${port}: ${error.message}`);
    child.kill("SIGTERM");
  });
  const { url } = await front;
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    createInterface({ input: stream! }).on("line", (line) => out.write(`${line.replaceAll(prismUrl, url)}\n`));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
