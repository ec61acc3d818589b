// Idempotency on every operation that documents an `Idempotency-Key` header, read from the spec: a retry with the
// same key and body replays the answer; the same key with another valid body is refused.
import type { Operation } from "../../../contract/index.ts";
import type { Check } from "../check.ts";
import { declaresHeader } from "../../../contract/index.ts";
import { linkedTarget } from "../links.ts";
import { sendParts, successStatus, validParts, type Parts } from "../requests.ts";
import type { SuiteSpec } from "../spec.ts";
import { isRecord, typeOf } from "../values.ts";

const HEADER = "Idempotency-Key";

/**
 * Another valid body: fresh values where the schema makes them, or failing that the same body with its first
 * optional boolean or enum property set to another valid value (leaving one out may equal its default).
 */
function otherBody(spec: SuiteSpec, first: Parts, fresh: Parts, op: Operation): unknown {
  if (JSON.stringify(fresh.body) !== JSON.stringify(first.body)) return fresh.body;
  if (!isRecord(first.body)) return undefined;
  const schema = spec.read(op.requestSchema);
  const required = new Set(schema.required ?? []);
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    if (required.has(name) || !(name in first.body)) continue;
    const property = spec.read(node);
    const value = first.body[name];
    const other = typeOf(property) === "boolean" ? !value : property.enum?.find((candidate) => candidate !== value);
    if (other !== undefined) return { ...first.body, [name]: other };
  }
  return undefined;
}

function idempotencyCheck(op: Operation): Check {
  return {
    id: `idempotency.${op.operationId}`,
    title: `${op.operationId}: a retry with the same ${HEADER} and body replays the answer with Idempotent-Replayed: true; another body is 422 idempotency_key_reused`,
    rule: "#/components/parameters/Idempotency-Key and #/components/headers/Idempotent-Replayed",
    rules: ["idempotent-replay", "idempotency-key-reused"],
    tags: ["stateful", "writes"],
    async run(ctx) {
      const target = await linkedTarget(ctx, op);
      const auth = op.scope ? ctx.bearer() : {};
      const first = validParts(ctx.values, op, target);
      first.header[HEADER] = `${ctx.runId}-${op.operationId}`;
      const original = await sendParts(ctx, op, first, auth);
      ctx.require(ctx.expectAnswer("the first request", original, successStatus(op)), "the first request failed");
      ctx.expect(
        original.exchange.response?.headers["idempotent-replayed"] === undefined,
        "the first answer says Idempotent-Replayed",
        original.exchange,
      );
      const retry = await sendParts(ctx, op, first, auth);
      if (ctx.expectAnswer("the retry", retry, original.status)) {
        ctx.expect(
          JSON.stringify(retry.data) === JSON.stringify(original.data),
          `the retry's body differs from the original's: ${JSON.stringify(retry.data)}`,
          retry.exchange,
        );
        ctx.expect(
          retry.exchange.response?.headers["idempotent-replayed"] === "true",
          "the replay has no Idempotent-Replayed: true",
          retry.exchange,
        );
      }
      const body = otherBody(ctx.spec, first, validParts(ctx.values, op, target), op);
      if (body === undefined) return;
      const changed = await sendParts(ctx, op, { ...first, body }, auth);
      ctx.expectAnswer("the same key with another body", changed, 422, "idempotency_key_reused");
    },
  };
}

export const idempotencyChecks = (spec: SuiteSpec): Check[] =>
  spec.contract.operations.filter((op) => declaresHeader(op, HEADER)).map(idempotencyCheck);
