// Compile-time proof that the server can raise only what the spec documents (generated/error-catalogue.ts), with
// the values its message names, while clients keep `Error.code` open. The @ts-expect-error lines must stay errors:
// if one compiles, tsc fails with "Unused '@ts-expect-error' directive". Never run; only type-checked.
import type { components } from "../../generated/schema.d.ts";
import { ApiError } from "../../server-stub/errors/api-error.ts";

export function raiseErrors(): ApiError[] {
  return [
    new ApiError("case_not_found"),
    new ApiError("insufficient_scope", {
      values: { scope: "cases.create" },
      headers: { "WWW-Authenticate": "Bearer" },
    }),
    new ApiError("invalid_request", { details: [{ path: "/body/matterRef", message: "is required" }] }),
    // @ts-expect-error a code the spec does not document does not compile
    new ApiError("duplicate_identifier"),
    // @ts-expect-error a message that names a value needs it
    new ApiError("insufficient_scope"),
    // @ts-expect-error ...under its own name
    new ApiError("insufficient_scope", { values: { scopes: "cases.create" } }),
    // @ts-expect-error a message that names no value takes none
    new ApiError("case_not_found", { values: { scope: "cases.create" } }),
  ];
}

/** A client reads a code the spec does not list yet: Error.code is an open string. */
export const futureCode: components["schemas"]["Error"]["error"]["code"] = "matter_locked";
