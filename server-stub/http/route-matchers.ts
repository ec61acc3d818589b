// Performance shortcut: express-openapi-validator finds each request's spec route by compiling every route's
// path-to-regexp matcher again, on every request (lookupRoute in its openapi.metadata.js), a few percent of each
// request's CPU. cdimascio/express-openapi-validator#1217 caches them upstream; until a release has it, the
// matchers the validator compiles are kept here. pathToRegexp is pure, and the validator only runs exec on the
// RegExp it returns, which has no global or sticky flag, so sharing one between requests is safe.
// Measured in commit d65d2b6 together with helmet's constant headers (response-headers.ts), no ETag and no multer
// check: createCase ~1100-1400 -> 900-1020 us CPU per request, listCaseIds ~1100 -> 880, token exchange
// ~1160 -> 950 (A/B runs). Pinned by test/server/route-matchers.test.ts (one frozen matcher per path and options,
// the same as path-to-regexp's own, other calls uncached) and by the routing tests in test/server/errors.test.ts
// (exact paths: other case, a trailing slash are 404; a wrong method is 405 with Allow).
import { createRequire } from "node:module";

interface PathOptions {
  sensitive?: boolean;
  strict?: boolean;
}
type PathToRegexp = (path: unknown, options?: PathOptions) => { regexp: RegExp; keys: unknown[] };

const validatorRequire = createRequire(createRequire(import.meta.url).resolve("express-openapi-validator"));
const pathToRegexpModule = validatorRequire("path-to-regexp") as { pathToRegexp: PathToRegexp };
const compile = pathToRegexpModule.pathToRegexp;
const compiled = new Map<string, ReturnType<PathToRegexp>>();

/** The options the validator passes; anything else goes straight to path-to-regexp, uncached. */
function isValidatorCall(path: unknown, options: PathOptions | undefined): path is string {
  return (
    typeof path === "string" &&
    options !== undefined &&
    Object.keys(options).every((k) => k === "sensitive" || k === "strict")
  );
}

function cachedPathToRegexp(path: unknown, options?: PathOptions): ReturnType<PathToRegexp> {
  if (!isValidatorCall(path, options)) return compile(path, options);
  const key = `${options!.sensitive ? 1 : 0}${options!.strict ? 1 : 0}${path}`;
  let matcher = compiled.get(key);
  if (!matcher) {
    matcher = Object.freeze(compile(path, options));
    compiled.set(key, matcher);
  }
  return matcher;
}

/** Makes the validator's route lookup reuse compiled matchers (the spec's routes are a fixed, small set). */
export function cacheValidatorRouteMatchers(): void {
  pathToRegexpModule.pathToRegexp = cachedPathToRegexp as PathToRegexp;
}
