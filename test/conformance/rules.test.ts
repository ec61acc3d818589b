// Every rule the spec states in words (x-rules) is checked: by a conformance check that names its id, or by the
// reference server's test it names (the file exists and holds a test of that name). A check naming a rule the spec
// does not state, or a rule answering a code its operation does not document, fails here.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codesOf, repoRoot } from "../../contract/index.ts";
import { checksFor } from "./checks/index.ts";
import { suiteSpec } from "./spec.ts";

const SPEC = suiteSpec();
const CONTRACT = SPEC.contract;
const RULES = SPEC.rules;
const ALL_CHECKS = checksFor(SPEC);

describe("the spec's rules (x-rules)", () => {
  it("each is named by a conformance check or checked by a named server test that exists", () => {
    const named = new Set(ALL_CHECKS.flatMap((check) => check.rules));
    const unchecked = RULES.filter((rule) => {
      if (named.has(rule.id)) return false;
      if (!rule.checkedBy) return true;
      const file = join(repoRoot, rule.checkedBy.file);
      return !existsSync(file) || !readFileSync(file, "utf8").includes(JSON.stringify(rule.checkedBy.test));
    });
    expect(unchecked.map((rule) => `${rule.id} (${rule.where})`)).toEqual([]);
  });

  it("every rule a check names is a rule of the spec", () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    const unknown = ALL_CHECKS.flatMap((check) =>
      check.rules.filter((id) => !ids.has(id)).map((id) => `${check.id}: ${id}`),
    );
    expect(unknown).toEqual([]);
  });

  it("every (status, code) a rule answers is documented for each operation it holds for", () => {
    const undocumented = RULES.flatMap((rule) =>
      rule.operationIds.flatMap((operationId) => {
        const documented = codesOf(CONTRACT, Object.entries(CONTRACT.operation(operationId).responses));
        return rule.answers
          .filter((a) => !documented.some((d) => d.status === a.status && d.code === a.code))
          .map((a) => `${rule.id}: ${operationId} does not document ${a.status} ${a.code}`);
      }),
    );
    expect(undocumented).toEqual([]);
  });
});
