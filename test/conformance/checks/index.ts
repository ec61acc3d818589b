import type { Check } from "../check.ts";
import { authChecks } from "./auth.ts";
import { badInputChecks } from "./bad-input.ts";
import { caseChecks } from "./cases.ts";
import { idempotencyChecks } from "./idempotency.ts";
import { limitChecks, slowTokenChecks } from "./limits.ts";
import { listChecks } from "./lists.ts";
import { responseChecks } from "./responses.ts";
import { credentialFailureChecks, tokenChecks } from "./token.ts";

/**
 * Every check, in the order they run. The token checks come first: they only read what the setup fetched. The
 * deliberate credential failures come last, after every exchange that must succeed (boundary checks exchange too).
 */
export const ALL_CHECKS: Check[] = [
  ...tokenChecks,
  ...authChecks,
  ...caseChecks,
  ...idempotencyChecks,
  ...listChecks,
  ...limitChecks,
  ...responseChecks,
  ...badInputChecks,
  ...credentialFailureChecks,
  ...slowTokenChecks,
];
