// Each operation's handler is the function named after its operationId that server-stub/handlers/<operationId>.ts
// exports, found by that name at start: a new operation needs its file and no registry edit. `npm run typecheck`
// requires every file and checks its type (generated/handler-modules.ts); the build does not, so a spec ahead of its
// handlers still builds, and the app answers the missing ones 501 or refuses to start (unimplemented.ts).
import { existsSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Contract, Operation } from "../../contract/index.ts";
import type { HandlerDeps } from "./deps.ts";
import type { HandlerOverrides, HandlerTable, UntypedHandler } from "./operation-types.ts";

/** The handler file an operation needs, as a path from the repository's root. */
export function handlerFile(operationId: string): string {
  return `server-stub/handlers/${operationId}.ts`;
}

// Beside this module: .ts under tsx and vitest, .js in dist/.
const moduleExtension = extname(fileURLToPath(import.meta.url));

type HandlerFactory = (deps: HandlerDeps) => UntypedHandler;

async function loadHandler(operationId: string, deps: HandlerDeps): Promise<UntypedHandler | undefined> {
  // The operationId becomes a file name: only a plain identifier may.
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(operationId)) throw new Error(`operationId ${operationId} is not a plain name`);
  const url = new URL(`./${operationId}${moduleExtension}`, import.meta.url);
  if (!existsSync(url)) return undefined;
  const factory = (await import(url.href))[operationId] as HandlerFactory | undefined;
  if (typeof factory !== "function")
    throw new Error(`${handlerFile(operationId)} does not export ${operationId}(deps)`);
  return factory(deps);
}

/**
 * Every operation's handler, a test's overrides first, as the router calls them, and the operations with none.
 * The router hands each handler the request express-openapi-validator has checked against the spec its types come
 * from: that is what makes the untyped view safe.
 */
export async function loadHandlers(
  contract: Contract,
  deps: HandlerDeps,
  overrides: HandlerOverrides = {},
): Promise<{ handlers: HandlerTable; missing: Operation[] }> {
  const handlers: Record<string, UntypedHandler> = {};
  const missing: Operation[] = [];
  for (const op of contract.operations) {
    const handler =
      (overrides[op.operationId] as UntypedHandler | undefined) ?? (await loadHandler(op.operationId, deps));
    if (handler) handlers[op.operationId] = handler;
    else missing.push(op);
  }
  return { handlers, missing };
}
