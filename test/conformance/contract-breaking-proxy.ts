// A contract-breaking HTTP proxy for the suite's self-test: it sits on loopback in front of a server, passes every
// request on and breaks exactly one thing in what goes through (a Fault), so that a test can prove the suite
// notices. Requests and responses are buffered whole, handed to the fault to rewrite, and passed on with a recomputed
// Content-Length. (test/client/unreliable-network-proxy.ts instead stands in for a network that drops requests.)
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent: `/v1/microapps/api/cases/ids?limit=2`. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** What a fault remembers between exchanges (tokens it saw, cursors it handed out, the previous page...). */
export type FaultMemory = Map<string, unknown>;

export interface Fault {
  id: string;
  /** What the broken server does, in a sentence. */
  description: string;
  /** Check ids that must fail on this fault (others may fail too). */
  caughtBy: string[];
  request?(req: ProxiedRequest, memory: FaultMemory): ProxiedRequest | void;
  response?(res: ProxiedResponse, req: ProxiedRequest, memory: FaultMemory): ProxiedResponse | void;
}

export interface ContractBreakingProxy {
  baseUrl: string;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "host",
  "upgrade",
  "proxy-connection",
]);

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy on 127.0.0.1 (a free port) in front of `upstream`; with no fault it changes nothing. */
export async function startContractBreakingProxy(upstream: string, fault?: Fault): Promise<ContractBreakingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const memory: FaultMemory = new Map();

  const server = createServer(async (incoming, outgoing) => {
    try {
      let req: ProxiedRequest = {
        method: incoming.method ?? "GET",
        url: incoming.url ?? "/",
        headers: plainHeaders(incoming.headers),
        body: await readAll(incoming),
      };
      req = fault?.request?.(req, memory) ?? req;
      const upstreamResponse = await new Promise<ProxiedResponse>((resolve, reject) => {
        const forwarded = httpRequest(
          {
            agent,
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, "content-length": String(req.body.length) },
            timeout: 15_000,
          },
          (res) => {
            readAll(res).then(
              (body) => resolve({ status: res.statusCode ?? 502, headers: plainHeaders(res.headers), body }),
              reject,
            );
          },
        );
        forwarded.on("timeout", () => forwarded.destroy(new Error("upstream timed out")));
        forwarded.on("error", reject);
        forwarded.end(req.body);
      });
      const res = fault?.response?.(upstreamResponse, req, memory) ?? upstreamResponse;
      outgoing.writeHead(res.status, { ...res.headers, "content-length": String(res.body.length) });
      outgoing.end(res.body);
    } catch (error) {
      outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`fault proxy: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body as JSON, or undefined when it is not JSON. */
export function jsonOf(message: { body: Buffer }): any {
  try {
    return JSON.parse(message.body.toString("utf8"));
  } catch {
    return undefined;
  }
}

export function withJson<T extends { body: Buffer }>(message: T, value: unknown): T {
  return { ...message, body: Buffer.from(JSON.stringify(value)) };
}
