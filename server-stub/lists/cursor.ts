// Keyset cursors: the last id of a page, HMAC-signed together with the firm and the operation, so a cursor
// cannot be forged, edited, or replayed against another firm or list. base64url(mac(16 bytes) || lastId).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ApiError } from "../errors/api-error.ts";
import type { Store } from "../store/database.ts";
import { getOrCreateSetting } from "../store/settings.ts";

const MAC_BYTES = 16;

export class CursorCodec {
  private key: Buffer | undefined;

  constructor(private readonly store: Store) {}

  private async hmacKey(): Promise<Buffer> {
    this.key ??= Buffer.from(
      await getOrCreateSetting(this.store.db, "cursor_hmac_key", () => randomBytes(32).toString("base64url")),
      "base64url",
    );
    return this.key;
  }

  private static mac(key: Buffer, orgId: string, operation: string, lastId: string): Buffer {
    return createHmac("sha256", key).update(`${operation}\n${orgId}\n${lastId}`).digest().subarray(0, MAC_BYTES);
  }

  async encode(orgId: string, operation: string, lastId: string): Promise<string> {
    const mac = CursorCodec.mac(await this.hmacKey(), orgId, operation, lastId);
    return Buffer.concat([mac, Buffer.from(lastId, "utf8")]).toString("base64url");
  }

  /** The last id the cursor points after, or 400 invalid_cursor. */
  async decode(orgId: string, operation: string, cursor: string): Promise<string> {
    const invalid = new ApiError("invalid_cursor");
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
    const raw = Buffer.from(cursor, "base64url");
    // Only the canonical encoding: the unused low bits of a last character would otherwise make other spellings
    // of the same cursor.
    if (raw.length <= MAC_BYTES || raw.toString("base64url") !== cursor) throw invalid;
    const lastId = raw.subarray(MAC_BYTES).toString("utf8");
    const expected = CursorCodec.mac(await this.hmacKey(), orgId, operation, lastId);
    if (!timingSafeEqual(raw.subarray(0, MAC_BYTES), expected)) throw invalid;
    return lastId;
  }
}

/** Reads one page of limit+1 rows and turns it into items + nextCursor. */
export async function keysetPage<T>(
  cursors: CursorCodec,
  scope: { orgId: string; operation: string },
  request: { limit?: number; cursor?: string },
  readAfter: (afterId: string | null, limit: number) => Promise<T[]>,
  idOf: (item: T) => string,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const limit = request.limit ?? 200;
  const afterId =
    request.cursor === undefined ? null : await cursors.decode(scope.orgId, scope.operation, request.cursor);
  const rows = await readAfter(afterId, limit + 1);
  const items = rows.slice(0, limit);
  const nextCursor =
    rows.length > limit ? await cursors.encode(scope.orgId, scope.operation, idOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}
