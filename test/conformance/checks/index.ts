import type { Check } from "../check.ts";
import { authChecks } from "./auth.ts";
import { badInputChecks } from "./bad-input.ts";
import { caseChecks } from "./cases.ts";
import { listChecks } from "./lists.ts";
import { credentialFailureChecks, tokenChecks } from "./token.ts";

/**
 * Every check, in the order they run. The token checks come first: they only read what the setup fetched. The
 * deliberate credential failures come last, after every exchange that must succeed (boundary checks exchange too).
 */
export const ALL_CHECKS: Check[] = [
  ...tokenChecks,
  ...authChecks,
  ...caseChecks,
  ...listChecks,
  ...badInputChecks,
  ...credentialFailureChecks,
];
