// A recorded request as a copy-pasteable curl command, with the secrets it carried replaced by the environment
// variables the product's docs name: the bearer token by $VERIFY_CLIENT_ACCESS_TOKEN, a client secret by
// $VERIFY_CLIENT_CLIENT_SECRET. Everything else is single-quoted exactly as sent.
import type { Exchange } from "./client.ts";

/** Single-quoted for a POSIX shell. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Headers fetch adds on its own (curl adds its own too). */
const IMPLIED = new Set(["content-length", "host", "connection", "accept-encoding", "user-agent"]);

export function toCurl(request: Exchange["request"], clientSecret?: string): string {
  const lines = [`curl -sS -i -X ${request.method} ${quote(request.url)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    if (IMPLIED.has(name.toLowerCase())) continue;
    if (name.toLowerCase() === "authorization" && value.startsWith("Bearer "))
      lines.push(`-H "Authorization: Bearer $VERIFY_CLIENT_ACCESS_TOKEN"`);
    else lines.push(`-H ${quote(`${name}: ${value}`)}`);
  }
  if (request.body !== undefined) {
    let body = quote(request.body);
    // The secret sits inside a JSON string: close the quote, let the shell expand the variable, reopen.
    if (clientSecret) body = body.split(clientSecret).join(`'"$VERIFY_CLIENT_CLIENT_SECRET"'`);
    lines.push(`--data-raw ${body}`);
  }
  return lines.join(" \\\n  ");
}
