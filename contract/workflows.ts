// The Arazzo 1.0.1 workflows in spec/workflows/, read one way: which operations each flow reaches (through the
// workflows it calls), which flows are entry points, and which write. The lint check, `npm run workflows` and the
// generators read them from here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Contract } from "./model.ts";
import { repoRoot } from "./repo-paths.ts";

export const workflowsDir = join(repoRoot, "spec/workflows");

/** A success criterion: a simple condition, or a pattern (`type: regex`) that `context` must match. */
export interface ArazzoCriterion {
  readonly condition: string;
  readonly context?: string;
  readonly type?: string;
}

export interface ArazzoStep {
  readonly stepId: string;
  readonly description?: string;
  readonly operationId?: string;
  readonly workflowId?: string;
  readonly successCriteria?: readonly ArazzoCriterion[];
}

/** A workflow's inputs: a JSON Schema object whose properties are what a run passes in. */
export interface ArazzoInputs {
  readonly properties?: Readonly<Record<string, { description?: string; properties?: Record<string, unknown> }>>;
}

export interface ArazzoWorkflow {
  readonly workflowId: string;
  readonly summary?: string;
  readonly description?: string;
  readonly inputs?: ArazzoInputs;
  readonly steps: readonly ArazzoStep[];
}

export interface WorkflowFile {
  /** The file's path. */
  readonly path: string;
  readonly title: string;
  readonly summary?: string;
  readonly sourceNames: readonly string[];
  readonly workflows: readonly ArazzoWorkflow[];
}

export function loadWorkflowFiles(dir: string = workflowsDir): WorkflowFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".arazzo.yaml"))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const doc = parse(readFileSync(path, "utf8"));
      return {
        path,
        title: doc.info?.title ?? name,
        summary: doc.info?.summary,
        sourceNames: (doc.sourceDescriptions ?? []).map((s: { name: string }) => s.name),
        workflows: doc.workflows ?? [],
      };
    });
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
      if (step.operationId) reached.add(step.operationId);
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
