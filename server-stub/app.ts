// Builds the Express app from its parts, so tests run it in-process with a temp store and their own clock.
// The contract drives it: express-openapi-validator validates every request against generated/openapi.yaml and runs
// authentication for the scope each operation's security requirement names; each reply is checked against the spec
// before its transaction commits; the routes are exactly the spec's operations under each server's base path.
import type { Express } from "express";
import type { Logger } from "pino";
import { loadContract, repoFiles } from "../contract/index.ts";
import { BearerAuthenticator } from "./auth/bearer.ts";
import { TokenFailureLimiter } from "./auth/failure-limits.ts";
import type { SigningKeys } from "./auth/signing-keys.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { ApiError } from "./errors/api-error.ts";
import { errorResponse } from "./errors/error-response.ts";
import { loadHandlers } from "./handlers/index.ts";
import type { HandlerOverrides } from "./handlers/operation-types.ts";
import { missingHandlerMessage, notImplemented, UnimplementedOperations } from "./handlers/unimplemented.ts";
import { securityHandlers } from "./http/authentication.ts";
import { requireIpAddress } from "./http/client-address.ts";
import { contractValidator } from "./http/contract-validator.ts";
import { newExpressApp } from "./http/express-settings.ts";
import { requireHostHeader } from "./http/host-header.ts";
import { IdempotencyKeys } from "./http/idempotency.ts";
import { jsonBody } from "./http/json-body.ts";
import { routeOperations } from "./http/operation-routes.ts";
import { routeOutsideContract } from "./http/outside-contract.ts";
import { plainDecimalIntegers } from "./http/plain-integers.ts";
import { ReplyChecks } from "./http/reply-check.ts";
import { requestContext } from "./http/request-context.ts";
import { requestLog } from "./http/request-log.ts";
import { responseHeaders } from "./http/response-headers.ts";
import { CursorCodec } from "./lists/cursor.ts";
import type { Store } from "./store/database.ts";

export interface AppDeps {
  config: Config;
  store: Store;
  keys: SigningKeys;
  clock: Clock;
  logger: Logger;
  /** The bundled spec to serve: generated/openapi.yaml unless a test serves a changed copy. */
  bundle?: string;
  /** Handlers that replace the built-in ones or serve operations only that copy declares (tests). */
  handlers?: HandlerOverrides;
}

const BODY_LIMIT = "100kb";

/**
 * The app, once every operation's handler is found. An operation without one refuses the start
 * (UnimplementedOperations) unless config.unimplementedOperations is "501": then it answers 501, warned here.
 */
export async function createApp({
  config,
  store,
  keys,
  clock,
  logger,
  bundle = repoFiles.bundle,
  handlers: overrides,
}: AppDeps): Promise<Express> {
  const contract = loadContract(bundle);
  const tokens = { issuer: config.tokenIssuer, audience: config.tokenAudience };
  const limiter = new TokenFailureLimiter(store, config.tokenFailureLimits, clock);
  const { handlers, missing } = await loadHandlers(
    contract,
    {
      store,
      clock,
      cursors: new CursorCodec(store),
      exchange: { store, keys, clock, limiter, tokens },
      limits: {
        invitesPerPartyPerDay: config.invitesPerPartyPerDay,
        invitesPerDestinationPerDay: config.invitesPerDestinationPerDay,
        smsInvitesPerFirmPerDay: config.smsInvitesPerFirmPerDay,
        emailInvitesPerFirmPerDay: config.emailInvitesPerFirmPerDay,
        partiesPerCase: config.partiesPerCase,
      },
    },
    overrides,
  );
  if (missing.length > 0 && config.unimplementedOperations !== "501") throw new UnimplementedOperations(missing);
  for (const op of missing)
    logger.warn({ operationId: op.operationId }, `${missingHandlerMessage(op)}; it answers 501`);
  const served = { ...handlers, ...Object.fromEntries(missing.map((op) => [op.operationId, notImplemented])) };
  const bearer = new BearerAuthenticator({ store, keys, clock, tokens });
  const idempotencyKeys = new IdempotencyKeys(store, clock, config.idempotencyLockSeconds);

  const app = newExpressApp(config.trustProxy);
  app.use(requestContext(), requestLog(logger), responseHeaders(), requireHostHeader(), requireIpAddress());
  routeOutsideContract(app, store);
  app.use(jsonBody(BODY_LIMIT));
  app.use(contractValidator(bundle, securityHandlers(contract, bearer)), plainDecimalIntegers(contract));
  routeOperations(app, { contract, handlers: served, store, idempotencyKeys, replies: new ReplyChecks(contract) });
  app.use((_req, _res, next) => next(new ApiError("not_found")));
  app.use(errorResponse(logger));
  return app;
}
