// The README's Environment table, written from the settings in server-stub/config.ts between two marker comments;
// the prose around it is the README's own.
import { ENVIRONMENT } from "../server-stub/config.ts";

const START = "<!-- env-table:start -->";
const END = "<!-- env-table:end -->";

export function environmentTable(): string {
  const rows = Object.values(ENVIRONMENT).map(
    (s) => `| \`${s.env}\` | ${s.default ? `\`${s.default}\`` : "(none)"} | ${s.format.accepts} | ${s.doc} |`,
  );
  return ["| variable | default | accepts | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** `readme` with everything between the markers replaced by the table. */
export function withEnvironmentTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} ... ${END} around its Environment table`);
  return `${readme.slice(0, start + START.length)}\n${environmentTable()}\n${readme.slice(end)}`;
}
