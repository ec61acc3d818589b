// A response's header examples tell one story with its status (Prism's mock sends them as they are): a refusal
// for a spent limit shows the limit used up, with the same wait in RateLimit's reset as in Retry-After.
import { describe, expect, it } from "vitest";
import { loadContract, type HeaderObject } from "../../contract/index.ts";

const contract = loadContract();
const limited = contract.operations.flatMap((op) =>
  Object.entries(op.responses)
    .filter(([, response]) => response.headers?.RateLimit)
    .map(([status, response]) => ({
      name: `${op.operationId} ${status}`,
      status,
      example: (name: string) => String(contract.resolve<HeaderObject>(response.headers![name]).example),
      has: (name: string) => Boolean(response.headers?.[name]),
    })),
);

describe("RateLimit header examples", () => {
  it("are documented somewhere", () => expect(limited.length).toBeGreaterThan(0));

  it.each(limited)("$name: remaining is 0 on a 429 (with reset = Retry-After) and above 0 otherwise", (response) => {
    const [, limit, remaining, reset] = /^limit=(\d+), remaining=(\d+), reset=(\d+)$/.exec(
      response.example("RateLimit"),
    )!;
    if (response.status === "429") {
      expect(Number(remaining)).toBe(0);
      expect(response.has("Retry-After")).toBe(true);
      expect(reset).toBe(response.example("Retry-After"));
    } else {
      expect(Number(remaining)).toBeGreaterThan(0);
      expect(Number(remaining)).toBeLessThan(Number(limit));
    }
  });
});
