// npm run test:designer: the designer's loop on a copy of the repository (test/designer-trial/), minutes long, run
// once by CI and kept out of npm test (vitest.config.ts excludes it).
import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/designer-trial/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    // Each step is a whole npm script on a copy: hang guards, several times a quiet machine's run.
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
});
