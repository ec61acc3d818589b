// lint/workflow-operations.ts: the workflows name only operations the spec has, and every operation is in a flow
// or carries x-flowless. Each failing case is the real spec and workflows with one thing changed.
import { describe, expect, it } from "vitest";
import { Contract, loadContract } from "../../contract/index.ts";
import { loadWorkflowFiles, type WorkflowFile } from "../../contract/workflows.ts";
import { workflowOperationFindings } from "../../lint/workflow-operations.ts";

const contract = loadContract();
const files = loadWorkflowFiles();

/** The workflows with every step that calls `operationId` renamed to `renamed` (or dropped when undefined). */
function withSteps(operationId: string, renamed?: string): WorkflowFile[] {
  return files.map((file) => ({
    ...file,
    workflows: file.workflows.map((w) => ({
      ...w,
      steps: w.steps
        .filter((s) => renamed !== undefined || s.operationId !== operationId)
        .map((s) => (s.operationId === operationId ? { ...s, operationId: renamed } : s)),
    })),
  }));
}

/** The contract with `x-flowless` set on GET /v1/microapps/api/users. */
function withFlowless(reason: unknown): Contract {
  const doc = structuredClone(contract.doc) as any;
  doc.paths["/v1/microapps/api/users"].get["x-flowless"] = reason;
  return new Contract(doc);
}

describe("lint: workflow operations", () => {
  it("the spec's workflows name only its operations and reach all of them", () => {
    expect(workflowOperationFindings(contract, files)).toEqual([]);
  });

  it("a step naming an operationId the spec lacks fails, naming the file, the step and the id", () => {
    const findings = workflowOperationFindings(contract, withSteps("listUsers", "listAllUsers"));
    expect(findings).toContainEqual(
      expect.stringMatching(
        /least-privilege\.arazzo\.yaml: step leastPrivilege\.usersRefused names operationId "listAllUsers", which the spec does not have$/,
      ),
    );
  });

  it("an operation in no workflow fails, naming it and the way out", () => {
    expect(workflowOperationFindings(contract, withSteps("listUsers"))).toEqual([
      "GET /v1/microapps/api/users (listUsers) is in no workflow of spec/workflows/: add it to one, or give it x-flowless: <reason>",
    ]);
  });

  it("an operation in no workflow passes with an x-flowless reason, and fails with an empty one", () => {
    expect(workflowOperationFindings(withFlowless("read only by the admin's tools"), withSteps("listUsers"))).toEqual(
      [],
    );
    expect(workflowOperationFindings(withFlowless(" "), withSteps("listUsers"))).toHaveLength(1);
    expect(workflowOperationFindings(withFlowless(true), withSteps("listUsers"))).toHaveLength(1);
  });
});
