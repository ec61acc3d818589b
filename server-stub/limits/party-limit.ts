// A case holds at most N parties (PARTIES_PER_CASE): addParty cannot grow one without bound. The count is read
// after the case's row is locked (lockCase), so concurrent adds cannot both take the last place.
import { ApiError } from "../errors/api-error.ts";
import type { Trx } from "../store/handles.ts";
import { countParties } from "../store/cases.ts";

/** 422 party_limit_reached when `adding` more parties would take the case past `limit`. */
export async function assertRoomForParties(
  trx: Trx,
  caseId: string | null,
  adding: number,
  limit: number,
): Promise<void> {
  const existing = caseId === null ? 0 : await countParties(trx, caseId);
  if (existing + adding > limit) {
    throw new ApiError("party_limit_reached", { values: { limit } });
  }
}
