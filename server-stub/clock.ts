// Time as a dependency, so tests can move it (token expiry, rate-limit windows) without waiting.
export interface Clock {
  /** Unix milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
