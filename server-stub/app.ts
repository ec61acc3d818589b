// Builds the Express app from its parts, so tests run it in-process with a temp store and their own clock.
// The contract drives it: express-openapi-validator loads generated/openapi.yaml, validates every request and
// response, finds the route's security requirement (and so the scope it needs), and the routes are exactly
// the spec's operations under each server's base path (/v1/... and /api/v1/...).
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type Express, type Request, type RequestHandler } from "express";
import * as OpenApiValidator from "express-openapi-validator";
import helmet from "helmet";
import type { Logger } from "pino";
import { declaresHeader, loadContract, repoFiles } from "../contract/index.ts";
import { BearerAuthenticator } from "./auth/bearer.ts";
import { TokenFailureLimiter } from "./auth/failure-limits.ts";
import { canonicalAddress } from "./auth/ip-ranges.ts";
import type { SigningKeys } from "./auth/signing-keys.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { ApiError } from "./errors/api-error.ts";
import { errorResponse } from "./errors/error-response.ts";
import { operationHandlers } from "./handlers/index.ts";
import type { OperationCall, OperationHandler, OperationId } from "./handlers/operation-types.ts";
import { IdempotencyKeys, type ReplyWriter } from "./http/idempotency.ts";
import "./http/request-context.ts";
import { requestId } from "./http/request-id.ts";
import { requestLog } from "./http/request-log.ts";
import { cacheValidatorRouteMatchers } from "./http/route-matchers.ts";
import { CursorCodec } from "./lists/cursor.ts";
import type { Store } from "./store/database.ts";

export interface AppDeps {
  config: Config;
  store: Store;
  keys: SigningKeys;
  clock: Clock;
  logger: Logger;
}

export const BODY_LIMIT = "100kb";
const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** "/v1/cases/{caseId}/parties" -> "/v1/cases/:caseId/parties" */
function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ":$1");
}

/** The socket's address, or the one a trusted proxy forwarded (Express's trust proxy), in canonical form. */
function clientAddress(req: Request): string {
  return canonicalAddress(req.ip ?? req.socket.remoteAddress ?? "");
}

/**
 * helmet's headers, worked out once. With its defaults every value is a constant, so one middleware sets them
 * all rather than helmet's chain of a dozen running on every request.
 */
function securityHeaders(): RequestHandler {
  const headers: [string, string][] = [];
  const recorder = { setHeader: (name: string, value: string) => headers.push([name, value]), removeHeader: () => {} };
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** Serves one repository file (read once) outside the contract. */
function staticFile(path: string, contentType: string, extraHeaders: Record<string, string> = {}): RequestHandler {
  let body: Buffer | undefined;
  return (_req, res) => {
    body ??= readFileSync(path);
    res.set({ "Content-Type": contentType, ...extraHeaders }).send(body);
  };
}

export function createApp(deps: AppDeps): Express {
  const { config, store, keys, clock, logger } = deps;
  const contract = loadContract();
  const tokens = { issuer: config.tokenIssuer, audience: config.tokenAudience };
  const limiter = new TokenFailureLimiter(store, config.tokenFailureLimits, clock);
  const bearer = new BearerAuthenticator({ store, keys, clock, tokens });
  const handlers = operationHandlers({
    store,
    clock,
    cursors: new CursorCodec(store),
    exchange: { store, keys, clock, limiter, tokens },
    limits: { invitesPerPartyPerDay: config.invitesPerPartyPerDay, partiesPerCase: config.partiesPerCase },
  });
  const idempotencyKeys = new IdempotencyKeys(store, clock, config.idempotencyLockSeconds);

  const app = express();
  // Express's final handler prints stack traces outside production; ours never lets an error get that far,
  // and this makes sure.
  app.set("env", "production");
  app.set("trust proxy", config.trustProxy.length > 0 ? config.trustProxy : false);
  app.disable("x-powered-by");
  // Every answer is Cache-Control: no-store, so an ETag would only cost a SHA-1 of each body, and an
  // If-None-Match could turn an answer into a 304 the contract does not declare.
  app.set("etag", false);
  // The spec's paths are exact: /V1/CASES and /v1/cases/ are not /v1/cases.
  app.set("case sensitive routing", true);
  app.set("strict routing", true);
  app.locals.draining = false;
  // For listen() in server.ts: the HTTP server's limits, and where it logs what Node rejects before Express.
  app.locals.httpLimits = config.http;
  app.locals.logger = logger;

  app.use(requestId());
  app.use(requestLog(logger));
  app.use(securityHeaders());
  app.use((_req, res, next) => {
    // Answers carry tokens, firm data or errors about them: no cache, shared or private, may keep one.
    res.setHeader("Cache-Control", "no-store");
    // While shutting down, tell keep-alive clients to reconnect elsewhere.
    if (app.locals.draining) res.setHeader("Connection", "close");
    next();
  });

  // Outside the contract: the spec, the AI entrypoint, the docs page and a health check.
  app.get("/openapi.yaml", staticFile(repoFiles.bundle, "application/yaml; charset=utf-8"));
  app.get("/llms.txt", staticFile(repoFiles.llmsTxt, "text/plain; charset=utf-8"));
  app.get(
    "/docs",
    staticFile(repoFiles.docsHtml, "text/html; charset=utf-8", {
      // The page inlines Redoc (scripts, styles, a blob worker) and loads nothing from elsewhere.
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:",
    }),
  );
  app.get("/healthz", async (_req, res, next) => {
    if (await store.ping()) res.json({ ok: true });
    else next(new ApiError(503, "unavailable", "The service is temporarily unavailable."));
  });

  app.use(express.json({ limit: BODY_LIMIT }));

  // Bearer auth for every scheme the spec declares; the scope comes from the operation's security requirement.
  const securityHandlers = Object.fromEntries(
    Object.keys(contract.doc.components?.securitySchemes ?? {}).map((scheme) => [
      scheme,
      async (req: Request, scopes: string[]) => {
        try {
          req.principal = await bearer.authenticate(req.get("authorization"), clientAddress(req), scopes[0]);
          return true;
        } catch (e) {
          // The validator keeps only status and message of what we throw: keep the real error for errorResponse.
          if (e instanceof ApiError) req.authFailure = e;
          throw e;
        }
      },
    ]),
  );

  cacheValidatorRouteMatchers();
  app.use(
    OpenApiValidator.middleware({
      apiSpec: repoFiles.bundle,
      // allErrors: one `details` entry per problem, not just the first.
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: true },
      validateResponses: true,
      validateSecurity: { handlers: securityHandlers },
      // No operation takes multipart bodies: without this, multer's check runs on every request for nothing.
      fileUploader: false,
      // The spec is checked by `npm run lint` and the contract tests; checking it again would slow every start.
      validateApiSpec: false,
    }),
  );

  for (const op of contract.operations) {
    const handler = handlers[op.operationId as OperationId] as OperationHandler<OperationId> | undefined;
    // generated/schema.d.ts makes a missing handler a compile error; this catches a spec newer than the types.
    if (!handler) throw new Error(`no handler for operation ${op.operationId}: regenerate and implement it`);
    const idempotent = declaresHeader(op, IDEMPOTENCY_KEY_HEADER);
    // base: the server prefix this route is mounted under ("" or "/api"); keys are scoped to the path without it.
    const route =
      (base: string): RequestHandler =>
      async (req, res) => {
        const execute = (write: ReplyWriter) =>
          handler({
            body: req.body,
            path: req.params,
            query: req.query,
            principal: req.principal,
            address: clientAddress(req),
            requestId: req.requestId,
            write,
          } as unknown as OperationCall<OperationId>);
        const key = idempotent ? req.get(IDEMPOTENCY_KEY_HEADER) : undefined;
        const { reply, replayed } =
          key !== undefined && req.principal
            ? await idempotencyKeys.run(
                { appId: req.principal.appId, method: op.method, path: req.path.slice(base.length), key },
                req.body,
                execute,
              )
            : { reply: await execute((work) => store.write(work)), replayed: false };
        res.status(reply.status).set(reply.headers ?? {});
        if (replayed) res.set("Idempotent-Replayed", "true");
        res.json(reply.body);
      };
    for (const base of contract.basePaths) {
      app[op.method.toLowerCase() as "get" | "post"](base + expressPath(op.path), route(base));
    }
  }

  app.use((_req, _res, next) => next(new ApiError(404, "not_found", "No such resource.")));
  app.use(errorResponse(logger));
  return app;
}
