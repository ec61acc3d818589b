// The Arazzo workflows of spec/workflows/ as Markdown, for the docs page and llms.txt: each flow's summary, its
// inputs, and its steps (the operation or the workflow it calls) with their success criteria in words.
import { basename } from "node:path";
import type { Contract } from "../contract/index.ts";
import type { ArazzoCriterion, ArazzoStep, ArazzoWorkflow, WorkflowFile } from "../contract/workflows.ts";

const OPERATORS: Record<string, string> = { "==": "is", "!=": "is not", "<": "is below", ">": "is above" };

/** One runtime expression or literal of a condition, in words. */
function operand(text: string): string {
  const body = /^\$response\.body#\/(.+)$/.exec(text);
  if (body) return `\`${body[1].replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".")}\``;
  const header = /^\$response\.header\.(.+)$/.exec(text);
  if (header) return `the \`${header[1]}\` header`;
  const output = /^\$steps\.(\w+)\.outputs\.(.+)$/.exec(text);
  if (output) return `step \`${output[1]}\`'s \`${output[2]}\``;
  const input = /^\$inputs\.(.+)$/.exec(text);
  if (input) return `input \`${input[1]}\``;
  if (text === "$statusCode") return "the status";
  return `\`${text.replace(/^'(.*)'$/, "$1")}\``;
}

/** A simple condition (comparisons joined by `&&` or `||`, no parentheses) in words; anything else as written. */
function condition(text: string): string {
  const joined = text.split(/\s+(&&|\|\|)\s+/);
  const words = joined.map((part, i) => {
    if (i % 2 === 1) return part === "&&" ? "and" : "or";
    const comparison = /^(\S+)\s*(==|!=|<|>)\s*('[^']*'|\S+)$/.exec(part);
    return comparison
      ? `${operand(comparison[1])} ${OPERATORS[comparison[2]]} ${operand(comparison[3])}`
      : `\`${part}\``;
  });
  return words.join(" ");
}

function criterion(c: ArazzoCriterion): string {
  if (c.type === "regex" && c.context) return `${operand(c.context)} matches \`${c.condition}\``;
  return condition(c.condition);
}

function step(contract: Contract, s: ArazzoStep, n: number): string {
  const op = s.operationId ? contract.operations.find((o) => o.operationId === s.operationId) : undefined;
  const target = s.workflowId
    ? `workflow \`${s.workflowId}\``
    : `\`${s.operationId}\`${op ? ` (\`${op.method} ${op.path}\`)` : ""}`;
  const criteria = (s.successCriteria ?? []).map(criterion);
  const all = criteria.length > 1 ? `${criteria.slice(0, -1).join(", ")} and ${criteria.at(-1)}` : criteria[0];
  const succeeds = all ? ` Succeeds when ${all}.` : "";
  return `${n}. \`${s.stepId}\`: calls ${target}. ${(s.description ?? "").trim()}${succeeds}`;
}

function inputs(w: ArazzoWorkflow): string {
  const properties = Object.entries(w.inputs?.properties ?? {}).map(([name, schema]) => {
    const nested = Object.keys(schema.properties ?? {}).map((p) => `\`${p}\``);
    const description = (schema.description ?? "").trim().replace(/\.$/, "");
    return `\`${name}\` (${description}${nested.length > 0 ? `: ${nested.join(", ")}` : ""})`;
  });
  return properties.length > 0 ? `Inputs: ${properties.join("; ")}.` : "Inputs: none.";
}

/** Every file as a `###` section, with each of its workflows (the entry flow and those it calls) and their steps. */
export function workflowsMarkdown(contract: Contract, files: readonly WorkflowFile[]): string {
  return files
    .map((file) => {
      const workflows = file.workflows.map((w) =>
        [
          `#### \`${w.workflowId}\`: ${w.summary ?? ""}`,
          "",
          inputs(w),
          "",
          ...w.steps.map((s, i) => step(contract, s, i + 1)),
        ].join("\n"),
      );
      const heading = `### ${file.title} (\`spec/workflows/${basename(file.path)}\`)`;
      return [heading, "", file.summary ?? "", "", workflows.join("\n\n")].join("\n");
    })
    .join("\n\n");
}
