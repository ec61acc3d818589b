// `npm run mock`'s front: a pass-through proxy before Prism that answers an invalid request as the reference server
// does. Prism answers one from the operation's 422 example (its 400 where no 422 is documented), so a createCase
// body missing a field got `422 party_has_no_mobile`; here, when Prism reports request violations (its
// `sl-violations` header), the answer becomes the operation's documented `400 invalid_request` example, with one
// `details` entry per violation. A request that asks for an answer with `Prefer: code=` gets Prism's as it is.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Contract, ExampleObject, MediaTypeObject } from "../contract/index.ts";

const INVALID_REQUEST = "invalid_request";

interface Violation {
  location?: string[];
  message?: string;
}

interface ErrorExample {
  ok: false;
  error: { code: string; message: string; details: { path: string; message: string }[] };
  requestId: string;
}

/** The operation's documented 400 invalid_request example, or undefined where it documents none. */
function invalidRequestExample(contract: Contract, method: string, path: string): ErrorExample | undefined {
  const op = contract.findOperation(method, path);
  const content = op?.responses["400"]?.content?.["application/json"];
  if (!content) return undefined;
  const examples = Object.values(contract.resolve<MediaTypeObject>(content).examples ?? {});
  return examples
    .map((e) => contract.resolve<ExampleObject>(e).value as ErrorExample)
    .find((value) => value?.error?.code === INVALID_REQUEST);
}

function requestViolations(headers: IncomingHttpHeaders): Violation[] {
  const header = headers["sl-violations"];
  if (typeof header !== "string") return [];
  try {
    return (JSON.parse(header) as Violation[]).filter((v) => v.location?.[0] === "request");
  } catch {
    return [];
  }
}

/** Listens on host:port and forwards everything to Prism at `prismUrl`. */
export async function startInvalidRequestFront(options: {
  contract: Contract;
  prismUrl: string;
  host: string;
  port: number;
}): Promise<{ server: Server; url: string }> {
  const prism = new URL(options.prismUrl);
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      { host: prism.hostname, port: prism.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const violations = requestViolations(answer.headers);
          const asked = /\bcode=/.test(String(req.headers.prefer ?? ""));
          const path = new URL(req.url ?? "/", "http://mock").pathname;
          const example =
            violations.length > 0 && !asked
              ? invalidRequestExample(options.contract, req.method ?? "GET", path)
              : undefined;
          if (!example) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
            return;
          }
          const details = violations.map((v) => ({
            path: `/${(v.location ?? []).slice(1).join("/")}`,
            message: v.message ?? "",
          }));
          const body = JSON.stringify({ ...example, error: { ...example.error, details } });
          const { "content-length": _length, "content-type": _type, ...headers } = answer.headers;
          res.writeHead(400, {
            ...headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "x-request-id": example.requestId,
          });
          res.end(body);
        });
      },
    );
    upstream.on("error", (error) => {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`Prism is not answering: ${error.message}\n`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}` };
}
