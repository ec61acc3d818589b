// Baseline A: a bare Express 5 app answering a fixed JSON body, the ceiling for any Express service on this
// machine. Started as its own process by bench/run.ts; prints "ready <port>".
import express from "express";

const app = express();
app.disable("x-powered-by");
const body = { ok: true, items: ["case_opaque_id"], nextCursor: null };
app.all("/{*any}", (_req, res) => {
  res.status(200).json(body);
});
const server = app.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
