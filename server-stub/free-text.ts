// Free text as the contract decides it (CONTRACT.md, decisions after 1.0.0): Unicode NFC, and none of the
// characters that make two strings look alike or hide text (the FreeText schema's pattern refuses them on input).

/** Control characters (C0, DEL, C1), format characters (zero-width, BOM, bidi controls), line and paragraph
 * separators and lone surrogates. */
export const INVISIBLE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/gu;

/** A JSON.parse reviver that puts every string value in NFC (object keys are left to the schema, which closes
 * every object). JSON.parse walks the value itself, however deep it is nested. */
export function nfcStrings(_key: string, value: unknown): unknown {
  return typeof value === "string" ? value.normalize("NFC") : value;
}
