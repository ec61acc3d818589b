// verify-string-pattern: every string that is not an enum, a const or a format has a pattern that refuses control
// characters (U+0000 to U+001F), so free text cannot carry line breaks or terminal escapes into logs, audit rows
// or a partner's screen. A pattern is tried (with the `u` flag, as Ajv and the server use it) on short probes
// holding each control character; one it matches lets control characters through.
import { schemaRoots, walkSchema } from "../lib/schemas.js";

const CONTROLS = Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code));
const PROBES = CONTROLS.flatMap((c) => [c, `a${c}`, `${c}a`, `a${c}a`, `A${c}A`, `0${c}0`, `a${c}${c}a`]);

const isString = (schema) => [schema.type].flat().includes("string");

function problem(schema) {
  if (schema.enum !== undefined || schema.const !== undefined || typeof schema.format === "string") return null;
  if (typeof schema.pattern !== "string")
    return "A string that is not an enum, const or format must have a pattern that refuses control characters (U+0000 to U+001F)";
  let regex;
  try {
    regex = new RegExp(schema.pattern, "u");
  } catch {
    return `pattern ${JSON.stringify(schema.pattern)} is not an ECMA-262 regular expression with the u flag`;
  }
  const leak = PROBES.find((probe) => regex.test(probe));
  if (leak === undefined) return null;
  const code = [...leak].find((c) => c < " ").charCodeAt(0);
  return `pattern ${JSON.stringify(schema.pattern)} lets control characters through (it matches one with U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
}

export default function stringPattern(document) {
  const results = [];
  const seen = new Set();
  for (const [root, at] of schemaRoots(document)) {
    walkSchema(
      root,
      at,
      (schema, path) => {
        const message = isString(schema) && problem(schema);
        if (message) results.push({ message, path });
      },
      seen,
    );
  }
  return results;
}
