// Error details may quote what the caller sent (an unknown query parameter's name, a path), so they are made to
// fit the Error schema before they are answered: control characters, format characters and lone surrogates
// escaped, and each field cut to the schema's own maxLength.
import { loadContract, valueAt } from "../../contract/index.ts";
import { INVISIBLE_CHARACTERS } from "../free-text.ts";

/** One problem in an error's details. */
export interface ErrorDetail {
  /** Where the problem is, such as "/body/matterRef". */
  path: string;
  message: string;
}

interface DetailLimits {
  path: number;
  message: number;
  items: number;
}

let limits: DetailLimits | undefined;

function detailLimits(): DetailLimits {
  if (!limits) {
    const { doc } = loadContract();
    const details = ["components", "schemas", "Error", "properties", "error", "properties", "details"];
    const limit = (...path: string[]) => Number(valueAt(doc, [...details, ...path]));
    limits = {
      path: limit("items", "properties", "path", "maxLength"),
      message: limit("items", "properties", "message", "maxLength"),
      items: limit("maxItems"),
    };
  }
  return limits;
}

function bounded(text: string, maxLength: number): string {
  const escaped = text.replace(INVISIBLE_CHARACTERS, (c) => `\\u{${c.codePointAt(0)?.toString(16)}}`);
  const chars = Array.from(escaped);
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : escaped;
}

/** Details as they may be answered: escaped, each field within the Error schema's limits, at most maxItems. */
export function boundedDetails(details: readonly ErrorDetail[]): ErrorDetail[] {
  const { path, message, items } = detailLimits();
  return details
    .slice(0, items)
    .map((d) => ({ path: bounded(String(d.path), path), message: bounded(String(d.message), message) }));
}
