// express-openapi-validator over the bundled spec: it finds each request's operation (404 and 405 otherwise),
// validates the request against it, and runs authentication for its security requirement. Replies are checked by
// the operation routes (reply-check.ts), inside the write transaction, not here after it has committed.
import * as OpenApiValidator from "express-openapi-validator";
import { authFailures, type SecurityHandlers } from "./authentication.ts";
import { cacheValidatorRouteMatchers } from "./route-matchers.ts";

export function contractValidator(bundlePath: string, securityHandlers: SecurityHandlers) {
  cacheValidatorRouteMatchers();
  return [
    ...OpenApiValidator.middleware({
      apiSpec: bundlePath,
      // allErrors: one `details` entry per problem, not just the first.
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: true },
      validateResponses: false,
      validateSecurity: { handlers: securityHandlers },
      // No operation takes multipart bodies: without this, multer's check runs on every request for nothing.
      fileUploader: false,
      // The spec is checked by `npm run lint` and the contract tests; checking it again would slow every start.
      validateApiSpec: false,
    }),
    authFailures(),
  ];
}
