// Opaque ids: a type prefix and a UUIDv7 without hyphens. Lowercase hex of a UUIDv7 sorts by creation time,
// so "ordered by id" is "ordered by creation" (keyset pagination relies on it).
import { randomFillSync } from "node:crypto";
import { V7Generator } from "uuidv7";

export type IdPrefix = "org" | "case" | "party" | "invite" | "user" | "audit" | "msg";

// A request makes several ids (its request id, the case, parties, audit rows). The library's own generator
// asks the system for random bits every couple of ids; this one takes them 4 KiB at a time.
class BufferedRandom {
  private readonly words = new Uint32Array(1024);
  private next = this.words.length;

  nextUint32(): number {
    if (this.next === this.words.length) {
      randomFillSync(this.words);
      this.next = 0;
    }
    return this.words[this.next++];
  }
}

const generator = new V7Generator(new BufferedRandom());

/** A UUIDv7 as 32 lowercase hex digits. */
export function uuidv7Hex(): string {
  return generator.generate().toHex();
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${uuidv7Hex()}`;
}
