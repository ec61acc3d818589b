// Integer query parameters in plain decimal only: the validator reads "0x1" and "1e0" as numbers, which would give
// one value many spellings. Which parameters are integers is read from the contract, per operation.
import type { RequestHandler } from "express";
import type { Contract, SchemaObject } from "../../contract/index.ts";
import { ApiError } from "../errors/api-error.ts";

const PLAIN_DECIMAL = /^-?(0|[1-9][0-9]*)$/;

/** Right after the validator, which has matched the operation (req.openapi). */
export function plainDecimalIntegers(contract: Contract): RequestHandler {
  const integerQueryParameters = new Map(
    contract.operations.map((op) => [
      op.operationId,
      op.parameters
        .filter((p) => p.in === "query" && p.schema && contract.resolve<SchemaObject>(p.schema).type === "integer")
        .map((p) => p.name),
    ]),
  );
  return (req, _res, next) => {
    const operationId = (req as { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId;
    const names = (operationId && integerQueryParameters.get(operationId)) || [];
    if (names.length === 0) return next();
    const query = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
    const details = names
      .filter((name) => query.getAll(name).some((value) => !PLAIN_DECIMAL.test(value)))
      .map((name) => ({ path: `/query/${name}`, message: "must be a plain decimal integer" }));
    next(details.length > 0 ? new ApiError("invalid_request", { details }) : undefined);
  };
}
