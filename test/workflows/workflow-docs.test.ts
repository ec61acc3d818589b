// npm run generate renders every workflow into llms.txt and the docs page: each step with what it calls and its
// success criteria in words (no runtime expression left as written).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { repoFiles } from "../../contract/index.ts";
import { loadWorkflowFiles } from "../../contract/workflows.ts";

const files = loadWorkflowFiles();
const llmsWorkflows = /^## Workflows\n([\s\S]*?)^## /m.exec(readFileSync(repoFiles.llmsTxt, "utf8"))?.[1] ?? "";
const docsPage = readFileSync(repoFiles.docsHtml, "utf8");

describe("the workflows as generated docs", () => {
  it("llms.txt has a Workflows section with every workflow, its inputs and every step", () => {
    expect(llmsWorkflows).not.toBe("");
    for (const file of files)
      for (const workflow of file.workflows) {
        expect(llmsWorkflows).toContain(`#### \`${workflow.workflowId}\`: ${workflow.summary}`);
        for (const input of Object.keys(workflow.inputs?.properties ?? {}))
          expect(llmsWorkflows).toContain(`\`${input}\` (`);
        for (const step of workflow.steps)
          expect(llmsWorkflows).toContain(
            `\`${step.stepId}\`: calls ${step.workflowId ? `workflow \`${step.workflowId}\`` : `\`${step.operationId}\``}`,
          );
      }
  });

  it("states every success criterion in words", () => {
    expect(llmsWorkflows).toContain("Succeeds when the status is `409`");
    expect(llmsWorkflows).not.toMatch(/\$(response|statusCode|steps|inputs)/);
  });

  it("the docs page carries the same section", () => {
    for (const file of files) for (const workflow of file.workflows) expect(docsPage).toContain(workflow.workflowId);
  });
});
