// What handlers need from the app: built once in app.ts.
import type { ExchangeDeps } from "../auth/token-exchange.ts";
import type { Clock } from "../clock.ts";
import type { InviteLimits } from "../limits/invite-limit.ts";
import type { CursorCodec } from "../lists/cursor.ts";
import type { Store } from "../store/database.ts";

export interface HandlerDeps {
  store: Store;
  clock: Clock;
  cursors: CursorCodec;
  exchange: ExchangeDeps;
  limits: InviteLimits & { partiesPerCase: number };
}
