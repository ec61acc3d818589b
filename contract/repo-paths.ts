// Where the repository's own files are, from wherever this module runs: contract/ under tsx, dist/contract/ when
// compiled, or a copy of the repository (the designer trials). Found once, by walking up to package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "generated"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json with generated/ above ${start}`);
  }
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

export const repoFiles = {
  specRoot: join(repoRoot, "spec/openapi.yaml"),
  releases: join(repoRoot, "spec/releases"),
  bundle: join(repoRoot, "generated/openapi.yaml"),
  generated: join(repoRoot, "generated"),
  llmsTxt: join(repoRoot, "llms.txt"),
  llmsFullTxt: join(repoRoot, "llms-full.txt"),
  workflows: join(repoRoot, "spec/workflows"),
  docsHtml: join(repoRoot, "generated/docs/index.html"),
  favicon: join(repoRoot, "server-stub/http/favicon.svg"),
  readme: join(repoRoot, "README.md"),
  packageJson: join(repoRoot, "package.json"),
  distMain: join(repoRoot, "dist/server-stub/main.js"),
  distAdminCli: join(repoRoot, "dist/server-stub/admin/cli.js"),
} as const;
