// npm run test:slow: tests that take minutes or a database cluster of their own (test/slow/), run once by CI and
// kept out of npm test (vitest.config.ts excludes them).
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default defineConfig({
  ...base,
  test: { ...base.test, include: ["test/slow/**/*.test.ts"], exclude: ["**/node_modules/**"] },
});
