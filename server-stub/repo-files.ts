// The repository's files (the bundled spec, llms.txt, the docs page, the compiled server) are found by contract/;
// this module adds how the server's process is started.
export { repoFiles, repoRoot } from "../contract/repo-paths.ts";

/**
 * The Node flags `npm start` and `npm run cluster` run the server with (package.json), and so every server a test
 * or the benchmark starts as a process. A 4 MB semi-space instead of V8's 16 MB default keeps RSS under load about
 * 40 MB lower at the same throughput (npm run bench measured both).
 */
export const serverNodeFlags = ["--max-semi-space-size=4"];
