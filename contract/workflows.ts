// The Arazzo 1.0.1 workflows in spec/workflows/, read one way: typed as far as the generators, the MCP server, the
// lint check and `npm run workflows` use them; which operations each flow reaches (through the workflows it calls),
// which flows are entry points, and which write. Every file in the folder is read; none is named here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Contract } from "./model.ts";
import { resolveRef } from "./refs.ts";
import { repoFiles } from "./repo-paths.ts";

/** A success criterion: a simple condition, or a pattern (`type: regex`) that `context` must match. */
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

/** A workflow's inputs: a JSON Schema object whose properties are what a run passes in. */
export interface ArazzoInputs {
  readonly properties?: Readonly<
    Record<string, { type?: string; format?: string; description?: string; properties?: Record<string, unknown> }>
  >;
}

export interface ArazzoWorkflow {
  readonly workflowId: string;
  readonly summary?: string;
  readonly description?: string;
  /** The inputs (a `$ref` to the file's components/inputs is followed). */
  readonly inputs?: ArazzoInputs;
  readonly steps: readonly ArazzoStep[];
  readonly outputs?: Readonly<Record<string, string>>;
}

export interface WorkflowFile {
  /** The file's path. */
  readonly path: string;
  /** The file name within its folder, e.g. "onboarding.arazzo.yaml". */
  readonly file: string;
  readonly title: string;
  readonly summary?: string;
  readonly sourceNames: readonly string[];
  readonly workflows: readonly ArazzoWorkflow[];
}

/** Every `*.yaml` Arazzo file in `dir` (spec/workflows/ unless another is given), by file name; none when absent. */
export function loadWorkflowFiles(dir: string = repoFiles.workflows): WorkflowFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const doc = parse(readFileSync(path, "utf8"));
      if (!doc?.arazzo || !Array.isArray(doc.workflows)) throw new Error(`${file} is not an Arazzo document`);
      const workflows = (doc.workflows as ArazzoWorkflow[]).map((w) => ({
        ...w,
        inputs: w.inputs && resolveRef(doc, w.inputs),
      }));
      return {
        path,
        file,
        title: doc.info?.title ?? file,
        summary: doc.info?.summary,
        sourceNames: (doc.sourceDescriptions ?? []).map((s: { name: string }) => s.name),
        workflows,
      };
    });
}

/**
 * The operationId a step calls, from `operationId` as written ("createCase") or qualified by its source
 * ("$sourceDescriptions.verify.createCase"); undefined for a step that runs another workflow or names a path.
 */
export function stepOperationId(step: ArazzoStep): string | undefined {
  return step.operationId?.startsWith("$sourceDescriptions.") ? step.operationId.split(".").at(-1) : step.operationId;
}

/** The workflows of a file that no other workflow of it calls: the flows a run starts. */
export function entryWorkflows(file: WorkflowFile): ArazzoWorkflow[] {
  const called = new Set(file.workflows.flatMap((w) => w.steps.map((s) => s.workflowId).filter(Boolean)));
  return file.workflows.filter((w) => !called.has(w.workflowId));
}

/** Every operationId a workflow reaches, its own steps' and those of the workflows it calls. */
export function reachedOperationIds(file: WorkflowFile, workflow: ArazzoWorkflow): Set<string> {
  const reached = new Set<string>();
  const visited = new Set<string>();
  const visit = (w: ArazzoWorkflow) => {
    if (visited.has(w.workflowId)) return;
    visited.add(w.workflowId);
    for (const step of w.steps) {
      const operationId = stepOperationId(step);
      if (operationId) reached.add(operationId);
      const called = file.workflows.find((c) => c.workflowId === step.workflowId);
      if (called) visit(called);
    }
  };
  visit(workflow);
  return reached;
}

/** Whether a workflow calls an operation that writes (the contract says which do). */
export function workflowWrites(contract: Contract, file: WorkflowFile, workflow: ArazzoWorkflow): boolean {
  const writing = new Set(contract.operations.filter((o) => o.writes).map((o) => o.operationId));
  return [...reachedOperationIds(file, workflow)].some((id) => writing.has(id));
}
