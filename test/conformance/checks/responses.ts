// What every answer shares, whatever produced it: the server's own X-Request-Id, repeated as an error's requestId,
// and the one Error shape, also for answers given before any operation is matched and for hostile input.
import type { Check } from "../check.ts";
import type { CallResult } from "../client.ts";
import { sendValid } from "../requests.ts";

const envelope: Check = {
  id: "responses.envelope",
  title:
    "every answer carries the server's own X-Request-Id, an error repeats it as requestId in the Error shape, also for an unknown path, a wrong method and a hostile query parameter name",
  rule: "#/components/headers/X-Request-Id, #/components/schemas/Error and x-unrouted-responses",
  rules: ["request-id", "error-envelope", "unknown-query-name-escaped"],
  tags: ["negative"],
  async run(ctx) {
    // A read that needs no state: the first operation a GET reaches (a list).
    const READ = ctx.spec.contract.operations.find((op) => op.method === "GET");
    const callerId = `caller-${ctx.runId}`;
    const headers = { ...ctx.bearer(), "X-Request-Id": callerId };
    // The typed client's methods are keyed by literal paths; these paths are not the spec's on purpose.
    const raw = (path: string, method = "GET", query: Record<string, string> = {}): Promise<CallResult> => {
      const send = ctx.api[method as "GET"].bind(ctx.api) as (p: string, init: unknown) => Promise<never>;
      return ctx.call(send(path, { params: { query }, headers }));
    };
    const answers: [string, CallResult, number][] = [
      ["an unknown path", await raw(`/v1/conformance-${ctx.runId}`), 404],
      ["a wrong method", await raw(READ?.path ?? "/v1", "DELETE"), 405],
    ];
    if (READ) {
      // Control characters, quotes and a long name: echoed as they are, they would break the Error schema.
      const hostile = `\u0007"<${"n".repeat(300)}>`;
      answers.push([
        "an undeclared query parameter with a hostile name",
        await raw(READ.path, "GET", { [hostile]: "1" }),
        400,
      ]);
      answers.push(["a valid read", await sendValid(ctx, READ, headers), 200]);
    }
    for (const [what, result, status] of answers) {
      ctx.expect(result.status === status, `${what}: expected ${status}, got ${result.status}`, result.exchange);
      const id = result.exchange.response?.headers["x-request-id"];
      ctx.expect(
        !!id && id !== callerId,
        `${what}: X-Request-Id is ${JSON.stringify(id)}, not the server's own`,
        result.exchange,
      );
    }
  },
};

export const responseChecks: Check[] = [envelope];
