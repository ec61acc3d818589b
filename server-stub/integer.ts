// The one integer parser, for environment variables (config.ts) and command-line flags (integer-option.ts):
// base-10 digits only, so "1e3", "0x10", "-1", "5.0" and " 5" are refused instead of read as some number.

/** What a value within [min, max] must be, for messages and docs: "an integer from 1 to 64". */
export function integerRange(min: number, max = Number.MAX_SAFE_INTEGER): string {
  return max === Number.MAX_SAFE_INTEGER ? `an integer of ${min} or more` : `an integer from ${min} to ${max}`;
}

/** The integer `raw` spells if it is digits only and within [min, max]; otherwise undefined. */
export function parseInteger(raw: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= min && value <= max ? value : undefined;
}
