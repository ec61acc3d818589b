// The route matchers express-openapi-validator compiles are compiled once (server-stub/http/route-matchers.ts):
// each is the one path-to-regexp itself makes, one per path and options, frozen, and shared safely.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { cacheValidatorRouteMatchers } from "../../server-stub/http/route-matchers.ts";

type PathToRegexp = (path: string, options?: object) => { regexp: RegExp; keys: unknown[] };
// The path-to-regexp the validator loads, as the shortcut finds it.
const validatorRequire = createRequire(createRequire(import.meta.url).resolve("express-openapi-validator"));
const pathToRegexpModule: { pathToRegexp: PathToRegexp } = validatorRequire("path-to-regexp");
const uncached = pathToRegexpModule.pathToRegexp;
cacheValidatorRouteMatchers();
const cached = pathToRegexpModule.pathToRegexp;

describe("the validator's route matchers", () => {
  const route = "/api/v1/cases/:caseId/parties";
  const validatorOptions = { sensitive: true, strict: true };

  it("are compiled once per path and options, as path-to-regexp compiles them", () => {
    const matcher = cached(route, validatorOptions);
    expect(cached(route, { ...validatorOptions })).toBe(matcher);
    expect(Object.isFrozen(matcher)).toBe(true);
    const own = uncached(route, validatorOptions);
    expect(matcher.regexp.source).toBe(own.regexp.source);
    expect(matcher.regexp.flags).toBe(own.regexp.flags);
    expect(matcher.keys).toEqual(own.keys);
    // Without a global or sticky flag exec keeps no state, so one RegExp can serve every request.
    expect(matcher.regexp.flags).not.toMatch(/[gy]/);
    expect(matcher.regexp.exec("/api/v1/cases/case_1/parties")?.[1]).toBe("case_1");
    expect(matcher.regexp.exec("/api/v1/cases/case_2/parties")?.[1]).toBe("case_2");
  });

  it("keep other options apart, and compile calls with other options each time", () => {
    expect(cached(route, { sensitive: false, strict: true })).not.toBe(cached(route, validatorOptions));
    expect(cached(route, { sensitive: true, strict: false })).not.toBe(cached(route, validatorOptions));
    expect(cached(route, { end: false })).not.toBe(cached(route, { end: false }));
  });
});
