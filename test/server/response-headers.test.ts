// The reference server sets helmet's headers from a list worked out once (server-stub/http/response-headers.ts):
// every answer must carry exactly what helmet itself sets when it runs as middleware on a real server.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import helmet from "helmet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestServer, type TestServer } from "./harness.ts";

let server: TestServer;
let helmetOnly: Server;
beforeAll(async () => {
  server = await startTestServer();
  const middleware = helmet();
  helmetOnly = createServer((req, res) => middleware(req, res, () => res.end()));
  await new Promise<void>((resolve) => helmetOnly.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await new Promise((resolve) => helmetOnly?.close(resolve));
  await server?.close();
});

describe("helmet's headers", () => {
  it("are on every answer exactly as helmet sets them: every header, the same value", async () => {
    const reference = await fetch(`http://127.0.0.1:${(helmetOnly.address() as AddressInfo).port}/`);
    // What a bare node:http answer carries without helmet.
    const transport = new Set(["connection", "content-length", "date", "keep-alive", "transfer-encoding"]);
    const helmets = [...reference.headers].filter(([name]) => !transport.has(name));
    expect(helmets.length).toBeGreaterThan(5);
    for (const [method, path] of [
      ["GET", "/healthz"],
      ["GET", "/v1/microapps/api/users"],
      ["GET", "/nowhere"],
    ]) {
      const reply = await call(server, method, path);
      for (const [name, value] of helmets) expect(reply.headers.get(name), `${path} ${name}`).toBe(value);
    }
  });
});
