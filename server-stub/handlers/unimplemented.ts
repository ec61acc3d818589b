// Operations in the spec without a handler file: under UNIMPLEMENTED_OPERATIONS=501 (npm run dev, the test harness)
// each answers 501 not_implemented and is warned at start; otherwise the server refuses to start (exit 2). Both
// say which file to create, so a designer who adds an operation to the spec learns the next step from the server.
import type { Operation } from "../../contract/index.ts";
import { ApiError } from "../errors/api-error.ts";
import { handlerFile } from "./index.ts";
import type { UntypedHandler } from "./operation-types.ts";

export function missingHandlerMessage(op: Operation): string {
  return (
    `${op.operationId} (${op.method} ${op.path}) has no handler: create ${handlerFile(op.operationId)} ` +
    `exporting ${op.operationId}(deps) (as server-stub/handlers/createCase.ts does)`
  );
}

/** Why the server will not start: one line per operation, and the switch that would let it. */
export class UnimplementedOperations extends Error {
  override readonly name = "UnimplementedOperations";
  constructor(readonly operations: readonly Operation[]) {
    super(
      [
        ...operations.map(missingHandlerMessage),
        "(UNIMPLEMENTED_OPERATIONS=501, as npm run dev sets, answers them 501 not_implemented instead)",
      ].join("\n"),
    );
  }
}

export const notImplemented: UntypedHandler = async () => {
  throw new ApiError("not_implemented");
};
