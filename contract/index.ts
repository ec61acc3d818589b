// The contract module: one typed, read-only model of the spec that every part of the repository reads.
export * from "./error-codes.ts";
export * from "./model.ts";
export * from "./openapi.ts";
export * from "./refs.ts";
export * from "./repo-paths.ts";
export * from "./rules.ts";
export * from "./workflows.ts";
