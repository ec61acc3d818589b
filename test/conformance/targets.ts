// What each test target can prove, as run options: which checks it skips and why, and whether its answers mean
// anything beyond their shape. Shared by the vitest files; the reasons are printed with every run.
import type { Check } from "./check.ts";
import { formatLine } from "./report.ts";
import type { RunOptions, RunReport } from "./runner.ts";

type Profile = Pick<RunOptions, "exampleAnswers" | "skip">;

/** The Prism mock: stateless, answering every request with the spec's examples. */
export const PRISM_MOCK: Profile = {
  exampleAnswers: true,
  skip: (check: Check) => {
    if (check.tags.includes("stateful"))
      return "stateful: the mock answers from the spec's examples; it stores nothing and verifies no token or scope";
    if (check.tags.includes("constraints"))
      return "constraints: the mock answers an invalid request from the operation's examples and lets some through (an undeclared query parameter), so this would test Prism";
    if (check.id === "responses.envelope")
      return "Prism answers an unknown path, a wrong method and an undeclared query parameter itself, in its own error shape, before it reads the spec's examples";
    if (check.id === "bad-input.malformed-json")
      return "Prism's own body parser answers malformed JSON with its own 400 (no envelope, no X-Request-Id) before it reads the spec";
    return undefined;
  },
};

/** Prism's validating proxy (`prism proxy --errors`) in front of a real server. */
export const PRISM_PROXY: Profile = {
  skip: (check: Check) =>
    check.tags.includes("negative")
      ? "negative: Prism's validating proxy answers a request that breaks the contract itself (400/401/415/422) instead of forwarding it, so this would test Prism, not the server"
      : undefined,
};

/** The skipped checks and their reasons, one line each, for a test to print. */
export function skippedLines(report: RunReport): string {
  return report.results
    .filter((r) => r.outcome === "skipped")
    .map(formatLine)
    .join("\n");
}
