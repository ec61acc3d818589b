// Shutting down lets in-flight work finish; a request that still arrives on a busy keep-alive connection is
// answered with Connection: close, so that its client reconnects elsewhere instead of reusing a closing server.
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startInProcess } from "../support/reference-server.ts";

describe("draining", () => {
  it("a request that arrives on a keep-alive connection after shutdown began is answered, with Connection: close", async () => {
    const server = await startInProcess();
    const socket = connect(Number(new URL(server.baseUrl).port), "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk));
    const socketClosed = new Promise((resolve) => socket.once("close", resolve));
    const body = JSON.stringify({
      clientId: server.clientId,
      clientSecret: server.clientSecret,
      scopes: ["users.list"],
    });

    // The first request's body waits for 100 Continue, so the connection is busy when the shutdown starts.
    const continued = new Promise<void>((resolve) =>
      socket.on("data", () => received.includes("100 Continue") && resolve()),
    );
    socket.write(
      "POST /v1/microapps/system-tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await continued;
    const closed = server.close();
    socket.write(`${body}GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
    await socketClosed;
    await closed;

    expect(received.match(/HTTP\/1\.1 \d+/g)).toEqual(["HTTP/1.1 100", "HTTP/1.1 200", "HTTP/1.1 200"]);
    expect(received.match(/^Connection: .*$/gim)).toEqual(["Connection: keep-alive", "Connection: close"]);
  });
});
