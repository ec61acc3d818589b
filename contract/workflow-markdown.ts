// One Arazzo workflow as Markdown, step by step: llms-full.txt renders every workflow with it and the MCP server
// gives it as a prompt, so both say the same.
import { stepOperationId, type ArazzoCriterion, type ArazzoWorkflow } from "./workflows.ts";

const json = (value: unknown) => `\`${JSON.stringify(value)}\``;

function criterion(c: ArazzoCriterion): string {
  const kind = typeof c.type === "object" ? c.type.type : c.type;
  return `\`${c.condition}\`${c.context ? ` on \`${c.context}\`` : ""}${kind ? ` (${kind})` : ""}`;
}

const outputs = (map: Readonly<Record<string, string>>) =>
  Object.entries(map)
    .map(([name, expression]) => `\`${name}\` = \`${expression}\``)
    .join(", ");

/** The workflow under a heading of the given level ("###"): summary, inputs, each step, outputs. */
export function workflowMarkdown(workflow: ArazzoWorkflow, heading: string): string {
  const lines = [`${heading} ${workflow.workflowId}`, ""];
  if (workflow.summary) lines.push(workflow.summary.trim(), "");
  if (workflow.description) lines.push(workflow.description.trim(), "");
  const inputs = Object.entries(workflow.inputs?.properties ?? {});
  if (inputs.length) {
    lines.push("Inputs:", "");
    for (const [name, schema] of inputs)
      lines.push(
        `- \`${name}\`${schema.format ? ` (${schema.format})` : ""}: ${schema.description ?? schema.type ?? ""}`,
      );
    lines.push("");
  }
  lines.push("Steps:", "");
  workflow.steps.forEach((step, i) => {
    const target = stepOperationId(step) ?? step.workflowId ?? step.operationPath ?? "";
    const calls = step.workflowId ? "runs workflow" : "calls";
    lines.push(
      `${i + 1}. \`${step.stepId}\` ${calls} \`${target}\`.${step.description ? ` ${step.description.trim()}` : ""}`,
    );
    for (const p of step.parameters ?? []) lines.push(`   - ${p.in ?? "parameter"} \`${p.name}\`: ${json(p.value)}`);
    if (step.requestBody?.payload !== undefined) lines.push(`   - body: ${json(step.requestBody.payload)}`);
    if (step.successCriteria?.length)
      lines.push(`   - succeeds when: ${step.successCriteria.map(criterion).join("; ")}`);
    if (step.outputs && Object.keys(step.outputs).length) lines.push(`   - outputs: ${outputs(step.outputs)}`);
  });
  if (workflow.outputs && Object.keys(workflow.outputs).length) lines.push("", `Outputs: ${outputs(workflow.outputs)}`);
  return lines.join("\n");
}
