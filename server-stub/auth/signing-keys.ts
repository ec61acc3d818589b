// The token signing keys, kept in the store so every process signs and verifies with the same ones.
// The current key is the highest generation; rotation adds a generation; old keys keep verifying, so tokens
// they signed stay valid until they expire.
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from "jose";
import { isUniqueViolation } from "../store/constraint-errors.ts";
import type { Store } from "../store/database.ts";
import { uuidv7 } from "uuidv7";

export const SIGNING_ALGORITHM = "EdDSA";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

export class SigningKeys {
  // Imported keys by kid; a kid's key never changes, so caching is safe.
  private readonly publicKeys = new Map<string, CryptoKey>();
  private readonly privateKeys = new Map<string, CryptoKey>();

  constructor(private readonly store: Store) {}

  /** The key to sign with now: the newest generation, created on first use. */
  async current(): Promise<SigningKey> {
    const row = await this.store.db
      .selectFrom("signing_keys")
      .select(["kid", "private_jwk"])
      .orderBy("generation", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!row) {
      await this.addGeneration(1);
      return this.current();
    }
    let privateKey = this.privateKeys.get(row.kid);
    if (!privateKey) {
      privateKey = (await importJWK(JSON.parse(row.private_jwk) as JWK, SIGNING_ALGORITHM)) as CryptoKey;
      this.privateKeys.set(row.kid, privateKey);
    }
    return { kid: row.kid, privateKey };
  }

  /** The public key for a kid, or undefined when the store never had it. */
  async publicKey(kid: string): Promise<CryptoKey | undefined> {
    const cached = this.publicKeys.get(kid);
    if (cached) return cached;
    const row = await this.store.db
      .selectFrom("signing_keys")
      .select(["public_jwk"])
      .where("kid", "=", kid)
      .executeTakeFirst();
    if (!row) return undefined;
    const key = (await importJWK(JSON.parse(row.public_jwk) as JWK, SIGNING_ALGORITHM)) as CryptoKey;
    this.publicKeys.set(kid, key);
    return key;
  }

  /** Makes a new key current and returns its kid. */
  async rotate(): Promise<string> {
    for (;;) {
      const newest = await this.store.db
        .selectFrom("signing_keys")
        .select((eb) => eb.fn.max("generation").as("generation"))
        .executeTakeFirst();
      const kid = await this.addGeneration(Number(newest?.generation ?? 0) + 1);
      if (kid) return kid;
    }
  }

  /** Inserts a key for `generation`; undefined if another process created that generation first. */
  private async addGeneration(generation: number): Promise<string | undefined> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = uuidv7();
    const row = {
      kid,
      generation,
      alg: SIGNING_ALGORITHM,
      private_jwk: JSON.stringify(await exportJWK(privateKey)),
      public_jwk: JSON.stringify(await exportJWK(publicKey)),
      created_at: new Date().toISOString(),
    };
    try {
      await this.store.write((trx) => trx.insertInto("signing_keys").values(row).execute());
    } catch (e) {
      // The generation is unique: losing the race means another process's key is the current one.
      if (isUniqueViolation(e)) return undefined;
      throw e;
    }
    return kid;
  }
}
