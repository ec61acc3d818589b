// Prism (@stoplight/prism-cli 5.14) from generated/openapi.yaml, as a mock or as a validating proxy.
//   npm run mock                         the mock on 127.0.0.1:4010, answering with the spec's examples
//   npm run mock -- --dynamic            the mock, answering with data generated from the schemas
//   npm run mock:proxy -- <upstream>     the validating proxy (prism proxy --errors) in front of a real server
// Tests import startPrism() to run either on a free port.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { Command, Option } from "commander";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
export const SPEC = `${repoRoot}generated/openapi.yaml`;
const PRISM_BIN = `${repoRoot}node_modules/.bin/prism`;
const READY = /Prism is listening on (http:\/\/\S+)/;

export interface PrismOptions {
  /** Omit for the mock; give the upstream URL for the validating proxy. */
  upstream?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  dynamic?: boolean;
  startTimeoutMs?: number;
}

export interface RunningPrism {
  baseUrl: string;
  pid: number;
  /** What Prism printed, for a test's failure message. */
  output(): string;
  close(): Promise<void>;
}

export function prismArgs(options: PrismOptions & { port: number }): string[] {
  const host = options.host ?? "127.0.0.1";
  const common = ["--host", host, "--port", String(options.port)];
  if (options.upstream) return ["proxy", SPEC, options.upstream, "--errors", ...common];
  return ["mock", SPEC, ...common, ...(options.dynamic ? ["--dynamic"] : [])];
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts Prism and resolves once it listens (or rejects with what it printed). */
export async function startPrism(options: PrismOptions = {}): Promise<RunningPrism> {
  const port = options.port || (await freePort(options.host));
  const child = spawn(PRISM_BIN, prismArgs({ ...options, port }), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  let output = "";
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Prism did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`)),
      options.startTimeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = output.match(READY);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before it listened:\n${output}`));
    });
  }).catch(async (error) => {
    await stop(child);
    throw error;
  });
  return { baseUrl, pid: child.pid!, output: () => output, close: () => stop(child) };
}

/** SIGTERM, then SIGKILL if Prism has not exited within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function main(): void {
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
      (positional: string | undefined, options: { proxy?: string; dynamic: boolean; host: string; port: string }) => {
        // `npm run mock:proxy -- <url>` runs `prism.ts --proxy <url>`: commander reads the URL as --proxy's value.
        const upstream = options.proxy ?? positional;
        if (options.dynamic && upstream) program.error("--dynamic applies to the mock only");
        const child = spawn(
          PRISM_BIN,
          prismArgs({ upstream, dynamic: options.dynamic, host: options.host, port: Number(options.port) }),
          { stdio: "inherit" },
        );
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
        child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
      },
    );
  program.parse();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
