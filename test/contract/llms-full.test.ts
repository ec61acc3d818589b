import { readFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import {
  codesOf,
  loadContract,
  loadWorkflowFiles,
  repoFiles,
  repoRoot,
  stepOperationId,
  type ExampleObject,
  type MediaTypeObject,
} from "../../contract/index.ts";
import { buildLlmsFullTxt } from "../../scripts/llms-full.ts";

// llms-full.txt is meant to be read whole, so it has a budget, and a named schema is rendered once (operations
// refer to it by name) rather than once per operation that uses it.
const BUDGET_BYTES = 80_000;
const contract = loadContract();
const committed = readFileSync(repoFiles.llmsFullTxt, "utf8");
const fixtureWorkflows = loadWorkflowFiles(join(repoRoot, "test/fixtures/workflows"));
const withFixture = buildLlmsFullTxt(contract, fixtureWorkflows);

const occurrences = (text: string, fragment: string) => text.split(fragment).length - 1;
const section = (text: string, heading: string) => text.split(`\n## ${heading}\n`)[1].split("\n## ")[0];

describe("llms-full.txt", () => {
  it(`is at most ${BUDGET_BYTES} bytes, as committed and with workflows rendered`, () => {
    expect(Buffer.byteLength(committed)).toBeLessThanOrEqual(BUDGET_BYTES);
    expect(Buffer.byteLength(withFixture)).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it("renders each named schema exactly once and operations refer to schemas by name", () => {
    for (const [name, schema] of Object.entries(contract.doc.components?.schemas ?? {})) {
      expect(occurrences(committed, `\n### ${name}\n`), name).toBe(1);
      expect(occurrences(committed, stringify(schema, { lineWidth: 0 }).trim()), name).toBe(1);
    }
    const operations = section(committed, "Operations");
    expect(operations).not.toContain("```yaml");
    expect(operations).not.toMatch(/"properties":|additionalProperties/);
  });

  it("has every operation with its scope, statuses, error codes and request and response examples", () => {
    const operations = section(committed, "Operations").split("\n### ").slice(1);
    expect(operations).toHaveLength(contract.operations.length);
    for (const op of contract.operations) {
      const text = operations.find((s) => s.startsWith(`${op.operationId}: \`${op.method} ${op.path}\``));
      expect(text, op.operationId).toBeDefined();
      expect(text).toContain(op.scope ? `Scope: \`${op.scope}\`` : "Scope: none");
      for (const status of op.statuses) expect(text, `${op.operationId} ${status}`).toContain(`- \`${status}\`:`);
      for (const { code } of codesOf(contract, Object.entries(op.responses)))
        expect(text, `${op.operationId} ${code}`).toContain(`\`${code}\``);
      const media = contract.resolve<MediaTypeObject | undefined>(op.requestBody?.content?.["application/json"]);
      for (const example of Object.values(media?.examples ?? {}))
        expect(text).toContain(JSON.stringify(contract.resolve<ExampleObject>(example).value));
    }
  });

  it("renders each workflow step by step with its operations, criteria and outputs", () => {
    const workflows = section(withFixture, "Workflows");
    for (const workflow of fixtureWorkflows.flatMap((f) => f.workflows)) {
      expect(workflows).toContain(`### ${workflow.workflowId}`);
      workflow.steps.forEach((step, i) => {
        expect(workflows).toContain(`${i + 1}. \`${step.stepId}\` calls \`${stepOperationId(step)}\`.`);
        for (const c of step.successCriteria ?? []) expect(workflows).toContain(`\`${c.condition}\``);
      });
      for (const name of Object.keys(workflow.outputs ?? {})) expect(workflows).toContain(`\`${name}\` = `);
    }
  });

  it("is linked from llms.txt", () => {
    expect(readFileSync(repoFiles.llmsTxt, "utf8")).toContain("](llms-full.txt)");
  });
});
