// Handler types derived from the generated contract types (generated/schema.d.ts), so that a handler whose
// request or response drifts from the spec does not compile.
import type { operations } from "../../generated/schema.d.ts";
import type { Principal } from "../auth/bearer.ts";
import type { Trx } from "../store/handles.ts";

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

/** One handler per operationId in the spec: a missing one does not compile. */
export type OperationHandlers = { [Op in OperationId]: OperationHandler<Op> };

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
