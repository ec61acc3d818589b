// Every documented error code, by status, as the spec states them: a description line "- `code`: meaning" (or
// "Known codes: `code`") in an error response, or an example whose value is an error envelope.
import type { ExampleObject } from "./openapi.ts";
import type { Contract } from "./model.ts";

export interface DocumentedErrorCode {
  readonly status: string;
  readonly code: string;
  readonly meaning: string;
}

interface ErrorEnvelope {
  error?: { code?: string; message?: string };
}

export function errorCodes(contract: Contract): DocumentedErrorCode[] {
  const seen = new Map<string, DocumentedErrorCode>();
  const add = (status: string, code: string, meaning: string) => {
    if (!seen.has(`${status} ${code}`)) seen.set(`${status} ${code}`, { status, code, meaning });
  };
  for (const op of contract.operations) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) < 400) continue;
      const description = response.description ?? "";
      for (const m of description.matchAll(/^- `([a-z_]+)`(?: \(([^)]*)\))?: (.*)$/gm)) add(status, m[1], m[3].trim());
      const single = description.match(/Known codes: `([a-z_]+)`\.?/);
      if (single) add(status, single[1], description.split(". Known codes")[0].trim());
      for (const raw of Object.values(response.content?.["application/json"]?.examples ?? {})) {
        const error = (contract.resolve<ExampleObject>(raw).value as ErrorEnvelope | undefined)?.error;
        if (error?.code) add(status, error.code, error.message ?? "");
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.status.localeCompare(b.status) || a.code.localeCompare(b.code));
}
