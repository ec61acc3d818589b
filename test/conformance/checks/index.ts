import type { Check } from "../check.ts";
import { authChecks } from "./auth.ts";
import { badInputChecks } from "./bad-input.ts";
import { caseChecks } from "./cases.ts";
import { idempotencyChecks } from "./idempotency.ts";
import { limitChecks, slowTokenChecks } from "./limits.ts";
import { listChecks } from "./lists.ts";
import { responseChecks } from "./responses.ts";
import { credentialFailureChecks, tokenChecks } from "./token.ts";
import type { SuiteSpec } from "../spec.ts";

/**
 * Every check for the contract in `spec`, in the order they run: the generic ones are made per operation, so a
 * bundle that adds an operation gets its checks with no change here. The token checks come first: they only read
 * what the setup fetched. The deliberate credential failures come last, after every exchange that must succeed
 * (boundary checks exchange too).
 */
export const checksFor = (spec: SuiteSpec): Check[] => [
  ...tokenChecks,
  ...authChecks(spec),
  ...caseChecks,
  ...idempotencyChecks(spec),
  ...listChecks,
  ...limitChecks,
  ...responseChecks,
  ...badInputChecks(spec),
  ...credentialFailureChecks,
  ...slowTokenChecks,
];
