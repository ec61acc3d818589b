// No import cycles in server-stub/ and contract/, type-only imports included: none between files, and none between
// folders. A folder's files count as one node; the files that sit beside subfolders (server-stub/app.ts, config.ts,
// main.ts...) wire the folders together and count one by one. Imports are read and resolved by the TypeScript
// compiler, as `tsc` resolves them.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/index.ts";

const ROOTS = ["server-stub", "contract"];

type Graph = Map<string, string[]>;

/** Every file under ROOTS, and every file of the repository they reach, with what each imports. */
function importGraph(): Graph {
  const config = ts.readConfigFile(join(repoRoot, "tsconfig.json"), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  const queue = ROOTS.flatMap((root) =>
    readdirSync(join(repoRoot, root), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => join(root, file)),
  );
  const graph: Graph = new Map();
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (graph.has(file)) continue;
    const path = join(repoRoot, file);
    const imports = ts
      .preProcessFile(readFileSync(path, "utf8"), true, true)
      .importedFiles.map(({ fileName }) => ts.resolveModuleName(fileName, path, options, ts.sys).resolvedModule)
      .filter((module) => module !== undefined && !module.isExternalLibraryImport)
      .map((module) => relative(repoRoot, module!.resolvedFileName));
    graph.set(file, imports);
    queue.push(...imports);
  }
  return graph;
}

/** The same graph between folders, see the header. */
function folderGraph(graph: Graph): Graph {
  const folders = new Set([...graph.keys()].map(dirname));
  const unitOf = (file: string) => {
    const folder = dirname(file);
    return [...folders].some((other) => other !== folder && dirname(other) === folder) ? file : folder;
  };
  const units: Graph = new Map();
  for (const [file, imports] of graph) {
    const from = unitOf(file);
    const to = imports.map(unitOf).filter((unit) => unit !== from);
    units.set(from, [...new Set([...(units.get(from) ?? []), ...to])]);
  }
  return units;
}

/** Each group of nodes that import each other, directly or not (Tarjan's strongly connected components). */
function cycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) visit(next);
      if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, low.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const group = stack.splice(stack.indexOf(node));
      if (group.length > 1 || graph.get(node)?.includes(node)) found.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe("imports", () => {
  const graph = importGraph();

  it("finds a cycle when there is one, and reads type-only imports", () => {
    expect(
      cycles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
    expect(cycles(new Map([["a", ["a"]]]))).toEqual([["a"]]);
    // `import type { Database } from "./schema.ts"` is handles.ts's only import.
    expect(graph.get("server-stub/store/handles.ts")).toEqual(["server-stub/store/schema.ts"]);
  });

  it("no file of server-stub/ or contract/ imports itself back through others", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("no folder imports itself back through others", () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });

  it("nothing in server-stub/ imports from scripts/", () => {
    const fromScripts = [...graph].filter(
      ([file, imports]) => file.startsWith("server-stub/") && imports.some((i) => i.startsWith("scripts/")),
    );
    expect(fromScripts).toEqual([]);
  });
});
