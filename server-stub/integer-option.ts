// A commander parser for an integer flag, over the one integer parser. Apart from integer.ts so that the server,
// which reads integers from its environment but has no flags, does not load commander.
import { InvalidArgumentError } from "commander";
import { integerRange, parseInteger } from "./integer.ts";

export function integerOption(min: number, max?: number): (value: string) => number {
  return (value) => {
    const parsed = parseInteger(value, min, max);
    if (parsed === undefined) throw new InvalidArgumentError(`expected ${integerRange(min, max)}`);
    return parsed;
  };
}
