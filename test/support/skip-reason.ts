// A skipped group's title names why it is skipped, as `[skipped: <reason>]`: `npm test` (scripts/test.ts) prints
// one line per reason, so a skip is never silent.

/** The title, with the reason appended when the group is skipped (reason given) and unchanged when it runs. */
export function titleWithSkipReason(title: string, skipReason: string | undefined): string {
  return skipReason ? `${title} [skipped: ${skipReason}]` : title;
}
