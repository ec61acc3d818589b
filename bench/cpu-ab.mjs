// CPU time per request of the reference server (utime+stime of its process from /proc, per answered request), for an
// A/B of two builds on a loaded machine: it moves less with other load than req/s does (interleave rounds, compare medians).
// usage: node bench/cpu-ab.mjs <checkoutA> <checkoutB> [rounds=3] [requests=4000] (each checkout built: npm run build)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const autocannon = require("autocannon");
const [, , dirA, dirB, roundsArg = "3", requestsArg = "4000"] = process.argv;
const ticks = 100; // CLK_TCK on Linux
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / ticks;
};
async function start(dir) {
  const data = mkdtempSync(join(tmpdir(), "cpuab-"));
  const child = spawn(process.execPath, ["--max-semi-space-size=4", "dist/server-stub/main.js"], {
    cwd: dir,
    env: { ...process.env, DATA_DIR: data, PORT: "0", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const creds = {};
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (c) => reject(new Error(`exited ${c}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /^(clientId|clientSecret): (\S+)$/.exec(line);
      if (m) creds[m[1]] = m[2];
      const r = /ready at (http:\/\/\S+) \(pid/.exec(line);
      if (r) resolve(r[1]);
    });
  });
  child.stdout.resume();
  return {
    child,
    url,
    creds,
    stop: () => {
      child.kill("SIGTERM");
      return new Promise((r) =>
        child.once("exit", () => {
          rmSync(data, { recursive: true, force: true });
          r();
        }),
      );
    },
  };
}
const run = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: 20, amount: Number(requestsArg), ...opts }, (e, r) => (e ? reject(e) : resolve(r))),
  );
async function measure(dir, label) {
  const s = await start(dir);
  const post = async (path, body, token) =>
    (
      await fetch(s.url + path, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      })
    ).json();
  const tok = await post("/v1/microapps/system-tokens", { ...s.creds, scopes: ["cases.create", "cases.ids.list"] });
  for (let i = 0; i < 200; i++) await post("/v1/cases", { matterRef: `SEED-${i}` }, tok.accessToken);
  const auth = { "content-type": "application/json", authorization: `Bearer ${tok.accessToken}` };
  let n = 0;
  const scenarios = {
    "token exchange": {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...s.creds, scopes: ["cases.create"] }),
    },
    "createCase (1 party)": {
      method: "POST",
      headers: auth,
      setupClient: (c) => c.setBody,
      requests: [
        {
          setupRequest: (r) => ({
            ...r,
            body: JSON.stringify({
              matterRef: `AB-${label}-${Date.now()}-${++n}`,
              matterType: "Purchase",
              parties: [{ name: "Alex Client", email: "alex@example.com", role: "Buyer" }],
            }),
          }),
        },
      ],
    },
    "listCaseIds (200)": { method: "GET", path: "/v1/microapps/api/cases/ids?limit=200", headers: auth },
  };
  const out = {};
  for (const [name, o] of Object.entries(scenarios)) {
    const url = s.url + (o.path ?? (name === "token exchange" ? "/v1/microapps/system-tokens" : "/v1/cases"));
    await run({ url, ...o, amount: 300 }); // warm-up
    const before = cpuMs(s.child.pid);
    const r = await run({ url, ...o });
    const used = cpuMs(s.child.pid) - before;
    const ok = r["2xx"];
    out[name] = { usPerRequest: Math.round((used * 1000) / r.requests.total), non2xx: r.non2xx, ok };
  }
  await s.stop();
  return out;
}
const results = { A: [], B: [] };
for (let i = 0; i < Number(roundsArg); i++) {
  for (const [k, dir] of [
    ["A", dirA],
    ["B", dirB],
  ]) {
    const r = await measure(dir, `${k}${i}`);
    results[k].push(r);
    console.log(`round ${i + 1} ${k} ${dir}: ${JSON.stringify(r)}`);
  }
}
const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of Object.keys(results.A[0])) {
  const a = results.A.map((r) => r[name].usPerRequest),
    b = results.B.map((r) => r[name].usPerRequest);
  console.log(
    `${name}: A ${a.join("/")} us (median ${med([...a])}), B ${b.join("/")} us (median ${med([...b])}), B/A ${(med([...b]) / med([...a])).toFixed(2)}`,
  );
}
