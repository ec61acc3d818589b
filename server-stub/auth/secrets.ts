// Client secrets: 256 random bits, shown once, stored only as a SHA-256 hash, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newClientSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of a presented secret with a stored hash (null compares against a dummy). */
export function secretMatchesHash(secret: string, storedHash: string | null): boolean {
  const presented = Buffer.from(hashSecret(secret), "hex");
  // Compare against something even when there is nothing to compare with, so timing does not tell.
  const stored = Buffer.from(storedHash ?? "0".repeat(64), "hex");
  return stored.length === presented.length && timingSafeEqual(presented, stored) && storedHash !== null;
}
