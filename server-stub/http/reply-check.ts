// Each handler's reply is checked against the operation's documented response before it leaves, and for a write
// before its transaction commits: a reply the spec refuses throws, the transaction rolls back, and the client's
// 500 means nothing was written (a retry then succeeds instead of meeting its own half-done write).
import type { Contract, Operation } from "../../contract/index.ts";
import { ValueChecks } from "../../contract/value-checks.ts";
import type { UntypedReply } from "../handlers/operation-types.ts";

/** A reply the spec does not allow: logged with where it broke, answered 500 internal_error without detail. */
export class ReplyBreaksContract extends Error {
  override readonly name = "ReplyBreaksContract";
}

export class ReplyChecks {
  private readonly values: ValueChecks;

  constructor(private readonly contract: Contract) {
    this.values = new ValueChecks(contract);
  }

  /** Throws ReplyBreaksContract unless the reply's status is documented for `op` and its body fits that status's schema. */
  check(op: Operation, reply: UntypedReply): void {
    const response = op.responses[String(reply.status)] ?? op.responses.default;
    if (response === undefined) throw this.broken(op, reply, "the status is not documented");
    const media = response.content?.["application/json"];
    const schema = media && this.contract.resolve(media).schema;
    if (schema === undefined) {
      if (reply.body !== undefined) throw this.broken(op, reply, "the status documents no JSON body");
      return;
    }
    const problem = this.values.schemaProblem(schema, reply.body);
    if (problem !== undefined) throw this.broken(op, reply, problem);
  }

  private broken(op: Operation, reply: UntypedReply, problem: string): ReplyBreaksContract {
    return new ReplyBreaksContract(`${op.operationId} ${reply.status} reply breaks the spec: ${problem}`);
  }
}
