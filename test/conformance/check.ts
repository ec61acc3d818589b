// What a conformance check is: defined once, tagged with what it needs, run by the CLI and by vitest alike.
import type { Exchange } from "./client.ts";
import type { CheckContext } from "./context.ts";

/**
 * - `stateful`: needs a real implementation: it remembers what was written, or verifies tokens and scopes.
 *   The Prism mock answers every request from the spec's examples, so it cannot prove these.
 * - `writes`: creates cases, parties or invites. `--read-only` skips these. (Every request a conforming server
 *   must refuse, such as a create with a missing scope, is not a write.)
 * - `negative`: sends a request that breaks the contract (bad body, bad query, no token). Prism's validating
 *   proxy answers such requests itself instead of forwarding them, so behind it these checks test Prism.
 * - `constraints`: breaks each constraint of the spec on its own and expects the server's own refusal, naming the
 *   input. Prism's mock answers an invalid request from the operation's examples and does not hold every keyword
 *   (an undeclared query parameter is let through), so against it these checks would test Prism.
 * - `slow`: waits out a lifetime or spends a limit (a token's expiry, the failure limit); run only with `--slow`.
 */
export type Tag = "stateful" | "writes" | "negative" | "constraints" | "slow";

export interface Check {
  /** Stable, dotted: `<area>.<what>`. */
  id: string;
  /** The rule the check proves, as a sentence. */
  title: string;
  /** Where the rule is written: the spec location or the contract rule. */
  rule: string;
  /** The ids of the spec's rules (`x-rules`) the check proves; a check may prove none (a schema-only check). */
  rules: string[];
  tags: Tag[];
  run(ctx: CheckContext): Promise<void>;
}

/** Stops a check: a hard failure, after which the check cannot go on. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    readonly exchange?: Exchange,
  ) {
    super(message);
  }
}

/** Stops a check without failing it, when the target cannot show what it proves (with the reason). */
export class CheckNotApplicable extends Error {}
