import { exchangeClientCredentials } from "../auth/token-exchange.ts";
import type { HandlerDeps } from "./deps.ts";
import type { OperationHandler, OperationReply } from "./operation-types.ts";

export function createSystemToken(deps: HandlerDeps): OperationHandler<"createSystemToken"> {
  return async ({ body, address }): Promise<OperationReply<"createSystemToken">> => {
    const result = await exchangeClientCredentials(deps.exchange, address, body);
    return {
      status: 200,
      headers: { ...result.headers, "Cache-Control": "no-store" },
      body: {
        ok: true,
        accessToken: result.accessToken,
        principal: {
          principalType: "microApp",
          tokenKind: "system",
          appId: result.integration.appId,
          orgId: result.integration.orgId,
          identifier: result.integration.identifier,
          scopes: result.scopes as typeof body.scopes,
        },
        expiresAt: result.expiresAt,
      },
    };
  };
}
