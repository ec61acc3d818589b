// Every documented error code, by status, as the spec states them: a description line "- `code`: meaning" (or
// "Known codes: `code`") in an error response, or an example whose value is an error envelope. Both the
// operations' responses and the answers given before any operation is matched (`x-unrouted-responses`) count.
import type { ExampleObject, ResponseObject } from "./openapi.ts";
import type { Contract } from "./model.ts";

export interface DocumentedErrorCode {
  readonly status: string;
  readonly code: string;
  readonly meaning: string;
  /** Every distinct `error.message` of this status and code's examples (one, in a spec that keeps its codes apart). */
  readonly messages: readonly string[];
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string };
}

export function errorCodes(contract: Contract): DocumentedErrorCode[] {
  return codesOf(contract, [
    ...contract.operations.flatMap((op) => Object.entries(op.responses)),
    ...Object.entries(contract.unroutedResponses),
  ]);
}

/** The error codes documented in these responses (one operation's, say), by status. */
export function codesOf(contract: Contract, errorResponses: [string, ResponseObject][]): DocumentedErrorCode[] {
  const seen = new Map<string, { status: string; code: string; meaning: string; messages: string[] }>();
  const add = (status: string, code: string, meaning: string, message?: string) => {
    const key = `${status} ${code}`;
    const entry = seen.get(key) ?? { status, code, meaning, messages: [] };
    seen.set(key, entry);
    if (message !== undefined && !entry.messages.includes(message)) entry.messages.push(message);
  };
  for (const [status, response] of errorResponses) {
    if (Number(status) < 400) continue;
    const description = response.description ?? "";
    for (const m of description.matchAll(/^- `([a-z_]+)`(?: \(([^)]*)\))?: (.*)$/gm)) add(status, m[1], m[3].trim());
    const single = description.match(/Known codes: `([a-z_]+)`\.?/);
    if (single) add(status, single[1], description.split(". Known codes")[0].trim());
    for (const raw of Object.values(response.content?.["application/json"]?.examples ?? {})) {
      const error = (contract.resolve<ExampleObject>(raw).value as ErrorEnvelope | undefined)?.error;
      if (error?.code) add(status, error.code, error.message ?? "", error.message);
    }
  }
  return [...seen.values()].sort((a, b) => a.status.localeCompare(b.status) || a.code.localeCompare(b.code));
}
