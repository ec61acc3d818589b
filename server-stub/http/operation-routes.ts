// The spec's operations as routes under each server base path (/v1/... and /api/v1/...): each calls the handler
// named by its operationId with the request express-openapi-validator has checked, and writes the reply. On the
// operations whose spec declares Idempotency-Key, a request that sends one runs once per key (idempotency.ts),
// scoped to the operation and its decoded path parameters. Every reply is checked against the spec once
// (reply-check.ts): inside the write transaction when the handler built it there, else before it is sent.
import type { Express, Request, RequestHandler } from "express";
import { declaresHeader, HTTP_METHODS, type Contract, type HttpMethod, type Operation } from "../../contract/index.ts";
import type { Principal } from "../auth/bearer.ts";
import type { HandlerTable, UntypedCall, UntypedHandler } from "../handlers/operation-types.ts";
import type { Store } from "../store/database.ts";
import { clientAddress } from "./client-address.ts";
import type { IdempotencyKeys, ReplyWriter } from "./idempotency.ts";
import type { ReplyChecks } from "./reply-check.ts";
import type { RequestContext } from "./request-context.ts";

const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

export interface OperationRouteDeps {
  contract: Contract;
  handlers: HandlerTable;
  store: Store;
  idempotencyKeys: IdempotencyKeys;
  replies: ReplyChecks;
}

/** What a handler is given. */
class Call implements UntypedCall {
  readonly body: unknown;
  readonly path: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly address: string;
  readonly requestId: string;

  constructor(
    req: Request<Record<string, string>>,
    private readonly context: RequestContext,
    readonly write: UntypedCall["write"],
  ) {
    this.body = req.body;
    this.path = req.params;
    this.query = req.query;
    this.address = clientAddress(req);
    this.requestId = context.requestId;
  }

  /** Read only by operations with a security requirement, for which authentication has set it. */
  get principal(): Principal {
    if (this.context.principal === undefined)
      throw new Error("no principal: the operation has no security requirement");
    return this.context.principal;
  }
}

/** "/v1/cases/{caseId}/parties" -> "/v1/cases/:caseId/parties" */
function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ":$1");
}

/** "POST" -> "post", the name of Express's route method. */
function routeMethod(op: Operation): HttpMethod {
  const method = HTTP_METHODS.find((m) => m.toUpperCase() === op.method);
  if (method === undefined) throw new Error(`${op.method} ${op.path}: not an HTTP method`);
  return method;
}

/**
 * The operation's path with its decoded parameters encoded one way, so that `case%5F1` and `case_1` (and either
 * server prefix) scope an idempotency key alike.
 */
function canonicalPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
}

function operationRoute(
  op: Operation,
  handler: UntypedHandler,
  deps: OperationRouteDeps,
): RequestHandler<Record<string, string>> {
  const idempotent = declaresHeader(op, IDEMPOTENCY_KEY_HEADER);
  return async (req, res) => {
    const { principal } = req.context;
    const execute = async (write: ReplyWriter) => {
      let checkedInside: unknown;
      // The check runs last inside the transaction, so a refused reply rolls back the writes it reports.
      const checkedWrite: ReplyWriter = (work) =>
        write(async (trx) => {
          const reply = await work(trx);
          deps.replies.check(op, reply);
          checkedInside = reply;
          return reply;
        });
      const reply = await handler(new Call(req, req.context, checkedWrite));
      if (reply !== checkedInside) deps.replies.check(op, reply);
      return reply;
    };
    const key = idempotent ? req.get(IDEMPOTENCY_KEY_HEADER) : undefined;
    const { reply, replayed } =
      key !== undefined && principal
        ? await deps.idempotencyKeys.run(
            { appId: principal.appId, method: op.method, path: canonicalPath(op.path, req.params), key },
            req.body,
            execute,
          )
        : { reply: await execute((work) => deps.store.write(work)), replayed: false };
    res.status(reply.status).set(reply.headers ?? {});
    if (replayed) res.set("Idempotent-Replayed", "true");
    res.json(reply.body);
  };
}

export function routeOperations(app: Express, deps: OperationRouteDeps): void {
  for (const op of deps.contract.operations) {
    const { operationId } = op;
    const handler = deps.handlers[operationId];
    // createApp gives every operation a handler (its own, or the 501 one): a gap here is a bug in createApp.
    if (handler === undefined) throw new Error(`no handler for operation ${operationId}`);
    for (const base of deps.contract.basePaths) {
      app.route(base + expressPath(op.path))[routeMethod(op)](operationRoute(op, handler, deps));
    }
  }
}
