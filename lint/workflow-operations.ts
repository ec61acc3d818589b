// `npm run lint` (lint:workflows): every operationId a workflow in spec/workflows/ names exists in the spec, and
// every operation of the spec is in at least one workflow or says why not with `x-flowless: <reason>`.
import { pathToFileURL } from "node:url";
import { loadContract, type Contract } from "../contract/index.ts";
import { loadWorkflowFiles, type WorkflowFile } from "../contract/workflows.ts";

export function workflowOperationFindings(contract: Contract, files: readonly WorkflowFile[]): string[] {
  const findings: string[] = [];
  const known = new Set(contract.operations.map((o) => o.operationId));
  const used = new Set<string>();
  for (const file of files)
    for (const workflow of file.workflows)
      for (const step of workflow.steps) {
        if (!step.operationId) continue;
        used.add(step.operationId);
        if (!known.has(step.operationId))
          findings.push(
            `${file.path}: step ${workflow.workflowId}.${step.stepId} names operationId "${step.operationId}", which the spec does not have`,
          );
      }
  for (const op of contract.operations) {
    const flowless = (op.object as Record<string, unknown>)["x-flowless"];
    if (used.has(op.operationId)) continue;
    if (typeof flowless === "string" && flowless.trim() !== "") continue;
    findings.push(
      `${op.method} ${op.path} (${op.operationId}) is in no workflow of spec/workflows/: add it to one, or give it x-flowless: <reason>`,
    );
  }
  return findings;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const findings = workflowOperationFindings(loadContract(), loadWorkflowFiles());
  for (const finding of findings) console.error(finding);
  if (findings.length > 0) process.exit(1);
  console.log("spec/workflows/: every operationId exists, and every operation is in a workflow or x-flowless");
}
