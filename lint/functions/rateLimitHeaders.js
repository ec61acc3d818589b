// verify-rate-limit-headers: an operation with a limit of its own says so by the RateLimit-Policy header on its 429;
// then each of its 2xx responses and that 429 carry RateLimit and RateLimit-Policy (draft-ietf-httpapi-ratelimit-
// headers), so a client sees how close it is before it is refused. Operations that answer only the shared 429
// (no policy of their own) need neither. Derived from the spec, so a new operation needs no list to be kept.
const HEADERS = ["RateLimit", "RateLimit-Policy"];

export default function rateLimitHeaders(operation, _options, { path }) {
  const responses = operation?.responses ?? {};
  if (responses["429"]?.headers?.["RateLimit-Policy"] === undefined) return [];
  const [, route, method] = path;
  return Object.entries(responses)
    .filter(([status]) => /^2/.test(status) || status === "429")
    .flatMap(([status, response]) =>
      HEADERS.filter((header) => response?.headers?.[header] === undefined).map((header) => ({
        message: `${method.toUpperCase()} ${route} has a rate limit of its own (RateLimit-Policy on its 429), so its ${status} must document the ${header} header`,
        path: [...path, "responses", status, "headers"],
      })),
    );
}
