// Finds the repository's own files (the bundled spec, llms.txt, the docs page) from wherever this module runs:
// server-stub/ under tsx or dist/server-stub/ when compiled. Walks up to the directory holding package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "generated"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json with generated/ above ${start}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

export const repoFiles = {
  openapiYaml: join(repoRoot, "generated/openapi.yaml"),
  llmsTxt: join(repoRoot, "llms.txt"),
  docsHtml: join(repoRoot, "generated/docs/index.html"),
  distMain: join(repoRoot, "dist/server-stub/main.js"),
  distAdminCli: join(repoRoot, "dist/server-stub/admin/cli.js"),
};
