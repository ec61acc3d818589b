import { defineConfig } from "vitest/config";

// VITEST_JSON_REPORT=<file> adds a JSON report (CI prints its "N passed, N failed" line from it).
const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // npm run test:slow and npm run test:designer run these (vitest.slow.config.ts, vitest.designer.config.ts).
    exclude: ["test/slow/**", "test/designer-trial/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: one test file per core keeps servers started by tests from starving each other.
    maxWorkers: 2,
    reporters: jsonReport ? ["default", "json"] : ["default"],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
  },
});
