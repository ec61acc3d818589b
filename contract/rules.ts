// The rules the spec states in words, each listed once with an id (`x-rules`): at the root (every operation), on an
// operation, on a parameter (every operation that takes it), on a shared response (every operation that gives it)
// or on the security scheme (every operation that needs one of its scopes). Each rule may name the (status, code) pairs it makes an operation give (`answers`) and the
// reference server's test that checks it where no request from outside can (`checkedBy`: "file > test name").
import type { Contract, Operation } from "./model.ts";
import { SECURITY_SCHEME } from "./model.ts";

/** The extension that lists a place's rules. */
export const RULES = "x-rules";

export interface Answer {
  readonly status: string;
  readonly code: string;
}

export interface Rule {
  readonly id: string;
  readonly statement: string;
  readonly answers: readonly Answer[];
  /** The reference server's test that proves it: file and test name. */
  readonly checkedBy?: { readonly file: string; readonly test: string };
  /** Where the spec lists it: "root", "operation createCase", "parameter cursor", "security scheme systemToken". */
  readonly where: string;
  /** The operations it holds for. */
  readonly operationIds: readonly string[];
}

interface RawRule {
  id?: unknown;
  statement?: unknown;
  answers?: unknown;
  checkedBy?: unknown;
}

const KEYS = new Set(["id", "statement", "answers", "checkedBy"]);

function readRule(raw: RawRule, where: string, operationIds: string[]): Rule {
  const unknown = Object.keys(raw).filter((k) => !KEYS.has(k));
  if (typeof raw.id !== "string" || !/^[a-z][a-z0-9-]*$/.test(raw.id))
    throw new Error(`a rule in ${where} has no kebab-case id: ${JSON.stringify(raw)}`);
  if (typeof raw.statement !== "string" || raw.statement.trim() === "")
    throw new Error(`rule ${raw.id} (${where}) has no statement`);
  if (unknown.length > 0) throw new Error(`rule ${raw.id} (${where}) has unknown keys: ${unknown.join(", ")}`);
  const answers = ((raw.answers ?? []) as unknown[]).map((text) => {
    const match = /^([1-5]\d\d) ([a-z_]+)$/.exec(String(text));
    if (!match) throw new Error(`rule ${raw.id}: answer ${JSON.stringify(text)} is not "<status> <code>"`);
    return { status: match[1], code: match[2] };
  });
  let checkedBy: Rule["checkedBy"];
  if (raw.checkedBy !== undefined) {
    const [file, test] = String(raw.checkedBy).split(" > ", 2);
    if (!file || !test) throw new Error(`rule ${raw.id}: checkedBy is not "<test file> > <test name>"`);
    checkedBy = { file, test };
  }
  return { id: raw.id, statement: raw.statement.trim(), answers, checkedBy, where, operationIds };
}

const listed = (node: unknown): RawRule[] =>
  ((node as Record<string, unknown> | undefined)?.[RULES] ?? []) as RawRule[];

/** Every rule of the contract: root, security scheme, parameters, responses, operations. Ids are unique. */
export function rulesOf(contract: Contract): Rule[] {
  const ops = contract.operations;
  const ids = (keep: (op: Operation) => boolean) => ops.filter(keep).map((op) => op.operationId);
  const rules: Rule[] = listed(contract.doc).map((r) =>
    readRule(
      r,
      "root",
      ids(() => true),
    ),
  );

  const scheme = contract.doc.components?.securitySchemes?.[SECURITY_SCHEME];
  if (scheme) {
    const scoped = ids((op) => op.scope !== null);
    rules.push(
      ...listed(contract.resolve(scheme)).map((r) => readRule(r, `security scheme ${SECURITY_SCHEME}`, scoped)),
    );
  }
  const parameters = new Set(ops.flatMap((op) => op.parameters));
  for (const parameter of parameters) {
    const takers = ids((op) => op.parameters.includes(parameter));
    rules.push(...listed(parameter).map((r) => readRule(r, `parameter ${parameter.name}`, takers)));
  }
  const responses = new Set(ops.flatMap((op) => Object.values(op.responses)));
  for (const response of responses) {
    const givers = ops.filter((op) => Object.values(op.responses).includes(response));
    const status = Object.entries(givers[0].responses).find(([, r]) => r === response)?.[0];
    rules.push(
      ...listed(response).map((r) =>
        readRule(
          r,
          `response ${status}`,
          givers.map((op) => op.operationId),
        ),
      ),
    );
  }
  for (const op of ops)
    rules.push(...listed(op.object).map((r) => readRule(r, `operation ${op.operationId}`, [op.operationId])));

  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.id)) throw new Error(`rule id ${rule.id} is listed twice (${rule.where})`);
    seen.add(rule.id);
  }
  return rules;
}

/** The rules that hold for one operation. */
export function rulesFor(rules: readonly Rule[], operationId: string): Rule[] {
  return rules.filter((r) => r.operationIds.includes(operationId));
}
