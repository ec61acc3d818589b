// A tiny HTTP proxy in front of the reference server that misbehaves on cue: it answers some requests itself
// (a 429, a 503) or hangs up without an answer, and records what it saw.
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
export type Fault =
  | "forward"
  | "drop"
  | "drop-answer"
  | { status: number; headers?: Record<string, string>; body?: unknown };

export interface FaultProxy {
  baseUrl: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(
  target: string,
  plan: (request: SeenRequest, nth: number) => Fault,
): Promise<FaultProxy> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = { method: req.method!, path: req.url!, headers: req.headers };
    const nth = seen.filter((s) => s.method === request.method && s.path === request.path).length;
    seen.push(request);
    const fault = plan(request, nth);
    if (typeof fault === "object") {
      res
        .writeHead(fault.status, { "Content-Type": "application/json", ...fault.headers })
        .end(JSON.stringify(fault.body ?? {}));
      return;
    }
    if (fault === "drop") {
      req.socket.destroy();
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "connection" && k !== "content-length"),
    ) as Record<string, string>;
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(target + req.url, { method: req.method, headers, body });
    const text = await answer.text();
    if (fault === "drop-answer") {
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
