// Request body schemas read from the contract, for tests that build bodies from what the spec declares.
import { loadContract } from "../../server-stub/contract.ts";

/** Follows local $refs ("#/components/schemas/PartyInput") to the schema object. */
export function resolveSchema(node: any): any {
  const { doc } = loadContract();
  return node?.$ref
    ? resolveSchema(
        node.$ref
          .slice(2)
          .split("/")
          .reduce((n: any, k: string) => n[k], doc),
      )
    : node;
}

/** The JSON request body schema of an operation, or undefined when it takes none. */
export function requestBodySchema(operationId: string): any {
  const { doc, operations } = loadContract();
  const op = operations.find((o) => o.operationId === operationId)!;
  return resolveSchema(doc.paths[op.path][op.method.toLowerCase()].requestBody?.content?.["application/json"]?.schema);
}
