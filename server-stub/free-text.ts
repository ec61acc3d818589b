// Free text as the contract decides it (CONTRACT.md, decisions after 1.0.0): Unicode NFC, and none of the
// characters that make two strings look alike or hide text (the FreeText schema's pattern refuses them on input).

/** Control characters (C0, DEL, C1), format characters (zero-width, BOM, bidi controls), line and paragraph
 * separators and lone surrogates. */
export const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/gu;

/** Every string in a parsed JSON value in NFC (object keys are left to the schema, which closes every object). */
export function normaliseStrings(value: unknown): unknown {
  if (typeof value === "string") return value.normalize("NFC");
  if (Array.isArray(value)) return value.map(normaliseStrings);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseStrings(v)]));
  }
  return value;
}
