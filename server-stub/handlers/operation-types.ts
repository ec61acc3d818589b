// Handler types derived from the generated contract types (generated/schema.d.ts), so that a handler whose
// request or response drifts from the spec does not compile.
import type { operations } from "../../generated/schema.d.ts";
import type { Principal } from "../auth/bearer.ts";
import type { Trx } from "../store/handles.ts";
import type { HandlerDeps } from "./deps.ts";

export type OperationId = keyof operations;

type Json<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

/** The 2xx statuses an operation declares. */
export type SuccessStatus<Op extends OperationId> = Extract<keyof operations[Op]["responses"], 200 | 201>;

export type ResponseBody<Op extends OperationId, S extends SuccessStatus<Op>> = Json<operations[Op]["responses"][S]>;

export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody: infer B } ? Json<B> : never;

export type Params<Op extends OperationId, Where extends "path" | "query"> = NonNullable<
  operations[Op]["parameters"][Where]
>;

/** What a handler is given: the validated request and who it acts as. */
export interface OperationCall<Op extends OperationId> {
  body: RequestBody<Op>;
  path: Params<Op, "path">;
  query: Params<Op, "query">;
  /** Set for every operation with a security requirement. */
  principal: Principal;
  /** The client's address (after TRUST_PROXY). */
  address: string;
  requestId: string;
  /**
   * Runs the request's writes in one transaction and returns the reply built inside it. With an Idempotency-Key,
   * the same transaction stores that reply for retries, so a change and its reply commit together.
   */
  write: <R extends OperationReply<Op>>(work: (trx: Trx) => Promise<R>) => Promise<R>;
}

/** What a handler returns; the app writes it. Errors are thrown as ApiError. */
export interface OperationReply<Op extends OperationId, S extends SuccessStatus<Op> = SuccessStatus<Op>> {
  status: S;
  body: ResponseBody<Op, S>;
  headers?: Record<string, string>;
}

/**
 * A handler. Annotate `Promise<OperationReply<Op>>` on the function that writes the reply's object literal:
 * only there does TypeScript reject an undocumented extra field (a wrong value fails either way).
 */
export type OperationHandler<Op extends OperationId> = (call: OperationCall<Op>) => Promise<OperationReply<Op>>;

/** One handler per operationId in the spec. */
export type OperationHandlers = { [Op in OperationId]: OperationHandler<Op> };

/** What server-stub/handlers/<operationId>.ts exports: a function of the operation's name that builds its handler. */
export type HandlerModule<Op extends OperationId> = { readonly [K in Op]: (deps: HandlerDeps) => OperationHandler<Op> };

/** Every operationId with its handler module (generated/handler-modules.ts: a missing one fails `npm run typecheck`). */
export type HandlerModules<M extends { [Op in OperationId]: HandlerModule<Op> }> = M;

/** A handler the generated types do not know: an operation only a test's changed copy of the spec declares. */
export interface UntypedCall {
  body: unknown;
  path: Record<string, string>;
  query: Record<string, unknown>;
  principal: Principal;
  address: string;
  requestId: string;
  write: <R extends UntypedReply>(work: (trx: Trx) => Promise<R>) => Promise<R>;
}
export interface UntypedReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
export type UntypedHandler = (call: UntypedCall) => Promise<UntypedReply>;

/** createApp's `handlers`: typed replacements by operationId, and handlers for operations the types do not know. */
export type HandlerOverrides = Partial<OperationHandlers> & {
  readonly [operationId: string]: OperationHandlers[OperationId] | UntypedHandler | undefined;
};

/** The handlers as the router calls them, by operationId (handlers/index.ts builds it). */
export type HandlerTable = Readonly<Record<string, UntypedHandler>>;
