import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/repo-paths.ts";
import { ENVIRONMENT } from "../../server-stub/config.ts";

// The README is how users learn the toolkit: what the code offers must be in it, so docs and code cannot drift.
const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
const scripts = Object.keys(JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).scripts);

describe("the README documents", () => {
  it.each(Object.entries(ENVIRONMENT))(
    "the environment variable %s with its default",
    (name, { default: defaultValue }) => {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, `README.md has no row for ${name} in its Environment table`).toBeDefined();
      if (defaultValue) expect(row).toContain(`\`${defaultValue}\``);
    },
  );

  it.each(scripts.filter((s) => !["prepare"].includes(s) && !s.includes(":")))("the npm script %s", (script) => {
    const mention = script === "start" || script === "test" ? `npm ${script}` : `npm run ${script}`;
    expect(readme, `README.md never mentions \`${mention}\``).toContain(mention);
  });

  it("the quickstart's two commands", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });
});
