// The Arazzo workflows (spec/workflows/*.yaml) as typed, read-only values: the part of Arazzo 1.0.1 that the
// generators and the MCP server render. Every file in the folder is read; none is named here.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { resolveRef } from "./refs.ts";
import { repoFiles } from "./repo-paths.ts";

export interface ArazzoCriterion {
  readonly condition: string;
  readonly context?: string;
  readonly type?: string | { type: string; version?: string };
}

export interface ArazzoStep {
  readonly stepId: string;
  readonly description?: string;
  readonly operationId?: string;
  readonly operationPath?: string;
  readonly workflowId?: string;
  readonly parameters?: readonly { name: string; in?: string; value: unknown }[];
  readonly requestBody?: { contentType?: string; payload?: unknown };
  readonly successCriteria?: readonly ArazzoCriterion[];
  readonly outputs?: Readonly<Record<string, string>>;
}

export interface ArazzoWorkflow {
  readonly workflowId: string;
  readonly summary?: string;
  readonly description?: string;
  /** A JSON Schema of the inputs (a `$ref` to the file's components/inputs is followed). */
  readonly inputs?: { properties?: Record<string, { type?: string; format?: string; description?: string }> };
  readonly steps: readonly ArazzoStep[];
  readonly outputs?: Readonly<Record<string, string>>;
}

export interface WorkflowFile {
  /** The file name within its folder, e.g. "onboarding.yaml". */
  readonly file: string;
  readonly workflows: readonly ArazzoWorkflow[];
}

/** Every `*.yaml` Arazzo file in `dir` (spec/workflows/ unless another is given), by file name; none when absent. */
export function loadWorkflows(dir: string = repoFiles.workflows): WorkflowFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const doc = parse(readFileSync(join(dir, file), "utf8")) as { arazzo?: string; workflows?: ArazzoWorkflow[] };
      if (!doc?.arazzo || !Array.isArray(doc.workflows)) throw new Error(`${file} is not an Arazzo document`);
      const workflows = doc.workflows.map((w) => ({ ...w, inputs: w.inputs && resolveRef(doc, w.inputs) }));
      return { file, workflows };
    });
}

/**
 * The operationId a step calls, from `operationId` as written ("createCase") or qualified by its source
 * ("$sourceDescriptions.verify.createCase"); undefined for a step that runs another workflow or names a path.
 */
export function stepOperationId(step: ArazzoStep): string | undefined {
  return step.operationId?.startsWith("$sourceDescriptions.") ? step.operationId.split(".").at(-1) : step.operationId;
}
