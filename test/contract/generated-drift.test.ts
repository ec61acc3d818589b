import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/repo-paths.ts";

// Everything derived from spec/ (and README.md's Environment table, from server-stub/config.ts) must be committed
// as a fresh `npm run generate` would write it.
const derived = [
  "generated/openapi.yaml",
  "generated/schema.d.ts",
  "generated/error-catalogue.ts",
  "generated/handler-modules.ts",
  "generated/docs/index.html",
  "generated/postman_collection.json",
  "generated/requests.http",
  "llms.txt",
  "llms-full.txt",
  "CHANGELOG.md",
  "README.md",
];

describe("generated files are in sync with spec/", () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "verify-client-generate-"));
    execFileSync(join(repoRoot, "node_modules/.bin/tsx"), ["scripts/generate.ts", "--out", out], {
      cwd: repoRoot,
      stdio: "pipe",
    });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each(derived)("%s matches a fresh `npm run generate` (run it and commit the result)", (file) => {
    const committed = readFileSync(join(repoRoot, file), "utf8");
    const fresh = readFileSync(join(out, file), "utf8");
    expect(committed === fresh, `${file} is out of date with spec/: run \`npm run generate\` and commit it`).toBe(true);
  });
});
