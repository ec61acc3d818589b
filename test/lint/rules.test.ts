import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { Document, Spectral } from "@stoplight/spectral-core";
import * as Parsers from "@stoplight/spectral-parsers";
import { builtins } from "@stoplight/spectral-ruleset-bundler/plugins/builtins";
import { commonjs } from "@stoplight/spectral-ruleset-bundler/plugins/commonjs";
import { bundleAndLoadRuleset } from "@stoplight/spectral-ruleset-bundler/with-loader";
import { fetch } from "@stoplight/spectral-runtime";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot as root } from "../../contract/repo-paths.ts";
import { cases, CREATE_CASE, type Finding } from "./cases.ts";

// Our verify-* rules, run through Spectral's JS API in this one process with the real lint/spectral.yaml
// (the pattern of stoplightio/spectral-owasp-ruleset's tests: for each rule, a document that passes and
// documents that fail with exactly the expected code, message and path).

const rulesetFile = join(root, "lint/spectral.yaml");
const baselineFile = join(import.meta.dirname, "fixtures/baseline.yaml");
const baseline = parse(fs.readFileSync(baselineFile, "utf8"));

let spectral: Spectral;
let scratch: string;
beforeAll(async () => {
  scratch = fs.mkdtempSync(join(tmpdir(), "verify-lint-"));
  spectral = new Spectral();
  // The same plugins as the CLI: builtins shares Spectral's own modules, commonjs loads the OWASP ruleset.
  spectral.setRuleset(await bundleAndLoadRuleset(rulesetFile, { fs, fetch }, [builtins(), commonjs()]));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

// `source` is where $refs resolve from and what overrides match; `any` because Spectral's own types
// do not accept a YAML-parsed Document where they ask for one.
const lint = (yaml: string, source: string) =>
  spectral.run(new Document(yaml, Parsers.Yaml, source) as Document<unknown, any>);

// Only our rules' results: the fixture is kept small, so it does not try to satisfy every OWASP rule.
async function verifyFindings(yaml: string, source: string): Promise<Finding[]> {
  const results = await lint(yaml, source);
  return results
    .filter((result) => String(result.code).startsWith("verify-"))
    .map(({ code, message, path }) => ({ code: String(code), message, path: path.map(String) }));
}

const lintYaml = (data: unknown, source: string) => verifyFindings(stringify(data), source);
const lintFile = (file: string) => verifyFindings(fs.readFileSync(file, "utf8"), file);

// A copy of the baseline with one thing changed.
function broken(change: (doc: any) => void) {
  const doc = structuredClone(baseline);
  change(doc);
  return doc;
}

describe("the baseline fixture", () => {
  it("passes every verify-* rule", async () => {
    expect(await lintYaml(baseline, baselineFile)).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document (so a break is the only thing wrong with a copy)", async () => {
    const results = await lint(fs.readFileSync(baselineFile, "utf8"), baselineFile);
    expect(
      results.filter((result) => String(result.code).startsWith("oas3-schema") || result.code === "invalid-ref"),
    ).toEqual([]);
  });
});

for (const [rule, ruleCases] of Object.entries(cases)) {
  describe(rule, () => {
    it.each(ruleCases.map((c) => [c.name, c] as const))("fails on %s", async (_name, { change, expected }) => {
      const findings = await lintYaml(broken(change), baselineFile);
      expect(sortFindings(findings)).toEqual(sortFindings(expected));
    });
  });
}

it("each rule has a case where it is the only rule that fails", () => {
  const alone = Object.entries(cases).filter(([rule, ruleCases]) =>
    ruleCases.some((c) => c.expected.every((finding) => finding.code === rule)),
  );
  expect(alone.map(([rule]) => rule)).toEqual(Object.keys(cases));
});

function sortFindings<T>(findings: T[]) {
  return [...findings].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe("the real spec", () => {
  it.each(["spec/openapi.yaml", "generated/openapi.yaml"])("%s passes every verify-* rule", async (file) => {
    expect(await lintFile(join(root, file))).toEqual([]);
  });

  // The approved OWASP overrides are narrow: with the bundle's own name (so the overrides apply), a copy that adds
  // a second http:// server fails that rule again. And the RateLimit headers stay required where the spec says a
  // limit of its own applies (RateLimit-Policy on the 429: the token exchange and invites), with no list of
  // operations in lint/spectral.yaml: dropping one from the token exchange's 200 or from the invites' shared 429
  // fails verify-rate-limit-headers.
  it("keeps the OWASP rules on where no override was approved, and RateLimit headers where a limit applies", async () => {
    const bundleFile = join(root, "generated/openapi.yaml");
    const bundle = parse(fs.readFileSync(bundleFile, "utf8"));
    delete bundle.paths["/v1/microapps/system-tokens"].post.responses["200"].headers.RateLimit;
    delete bundle.components.responses.InviteLimitReached.headers.RateLimit;
    bundle.servers.push({ url: "http://staging.example.com", description: "Not the sandbox.", "x-internal": false });
    const results = await lint(stringify(bundle), bundleFile);
    expect(sortFindings(results.map(({ code, path }) => ({ code, path: path.map(String) })))).toEqual(
      sortFindings([
        {
          code: "verify-rate-limit-headers",
          path: ["paths", "/v1/microapps/system-tokens", "post", "responses", "200", "headers"],
        },
        {
          code: "verify-rate-limit-headers",
          path: ["components", "responses", "InviteLimitReached", "headers"],
        },
        { code: "owasp:api8:2023-no-server-http", path: ["servers", "2", "url"] },
      ]),
    );
  });

  // On the split source a finding lands in the file that holds the problem, which shows the rules
  // follow external $refs (and find Error.yaml as the shared Error through them).
  it("a broken copy of the split source is reported in Scope.yaml and in the path file", async () => {
    const copy = join(scratch, "spec");
    fs.cpSync(join(root, "spec"), copy, { recursive: true });
    const edit = (file: string, change: (doc: any) => void) => {
      const doc = parse(fs.readFileSync(join(copy, file), "utf8"));
      change(doc);
      fs.writeFileSync(join(copy, file), stringify(doc));
    };
    edit("components/schemas/Scope.yaml", (doc) => {
      doc.enum = doc.enum.filter((scope: string) => scope !== "users.list");
    });
    edit("paths/v1_cases.yaml", (doc) => {
      doc.post.responses["400"] = {
        description: "Bad request.",
        content: { "application/json": { schema: { $ref: "../components/schemas/CaseResponse.yaml" } } },
      };
    });

    const rootFile = join(copy, "openapi.yaml");
    const results = await lint(fs.readFileSync(rootFile, "utf8"), rootFile);
    const found = results
      .filter((result) => String(result.code).startsWith("verify-"))
      .map((result) => ({ code: result.code, file: relative(copy, result.source!), path: result.path.map(String) }));
    expect(sortFindings(found)).toEqual(
      sortFindings([
        { code: "verify-scope-enum", file: "components/schemas/Scope.yaml", path: ["enum"] },
        {
          code: "verify-error-schema",
          file: "paths/v1_cases.yaml",
          path: ["post", "responses", "400", "content", "application/json"],
        },
        // Written inline, the response also skips the shared BadRequest.
        { code: "verify-shared-error-response", file: "paths/v1_cases.yaml", path: ["post", "responses", "400"] },
      ]),
    );
  });
});

// One child process: the CLI that `npm run lint` uses exits non-zero on a broken copy and names our rule
// (the fixture does not satisfy every OWASP rule, so the exit code alone would not prove it).
it("spectral lint --ruleset lint/spectral.yaml exits non-zero on a broken copy", async () => {
  const file = join(scratch, "broken.yaml");
  fs.writeFileSync(
    file,
    stringify(
      broken((doc) => {
        doc.paths["/v1/cases"].post.security = [{ systemToken: ["cases.create", "cases.ids.list"] }];
      }),
    ),
  );
  const run = promisify(execFile)(
    join(root, "node_modules/.bin/spectral"),
    ["lint", "--ruleset", rulesetFile, "-f", "json", file],
    { cwd: root },
  );
  const failure = await run.then(
    () => null,
    (error: { code: number; stdout: string }) => error,
  );
  expect(failure?.code).toBe(1);
  const results: { code: string; severity: number; path: string[] }[] = JSON.parse(
    failure!.stdout.slice(failure!.stdout.indexOf("[")),
  );
  expect(results).toContainEqual(
    expect.objectContaining({ code: "verify-operation-one-scope", severity: 0, path: [...CREATE_CASE, "security"] }),
  );
});
