// An unreliable network between the partner client and the reference server, for the client's retry tests: a tiny
// HTTP proxy that, on cue, answers a request itself (a 429, a 503) instead of the server, or hangs up before or after
// the server acted, and records what it saw. (The conformance suite's contract-breaking-proxy.ts instead passes
// every request on and rewrites what the server says.)
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * What to do with the nth (0-based) request with this method and path: forward it, answer it, hang up, or
 * forward it and hang up instead of passing the answer on (the server acted; the client never hears).
 */
export type ProxyAction =
  | "forward"
  | "drop"
  | "drop-answer"
  | { status: number; headers?: Record<string, string>; body?: unknown };

export interface UnreliableNetworkProxy {
  baseUrl: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startUnreliableNetworkProxy(
  target: string,
  plan: (request: SeenRequest, nth: number) => ProxyAction,
): Promise<UnreliableNetworkProxy> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method!, path: req.url!, headers: req.headers };
    const nth = seen.filter((s) => s.method === request.method && s.path === request.path).length;
    seen.push(request);
    const action = plan(request, nth);
    if (typeof action === "object") {
      res
        .writeHead(action.status, { "Content-Type": "application/json", ...action.headers })
        .end(JSON.stringify(action.body ?? {}));
      return;
    }
    if (action === "drop") {
      req.socket.destroy();
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "connection" && k !== "content-length"),
    ) as Record<string, string>;
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(target + req.url, { method: req.method, headers, body });
    const text = await answer.text();
    if (action === "drop-answer") {
      req.socket.destroy();
      return;
    }
    res
      .writeHead(
        answer.status,
        Object.fromEntries(
          [...answer.headers].filter(
            ([k]) => k !== "content-length" && k !== "transfer-encoding" && k !== "content-encoding",
          ),
        ),
      )
      .end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
