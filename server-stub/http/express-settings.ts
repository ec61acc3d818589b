// The Express app with the settings the contract needs, before any middleware is added (the router reads the
// routing settings when it is made).
import express, { type Express } from "express";

export function newExpressApp(trustProxy: string[]): Express {
  const app = express();
  // Express's final handler prints stack traces outside production; ours never lets an error get that far,
  // and this makes sure.
  app.set("env", "production");
  app.set("trust proxy", trustProxy.length > 0 ? trustProxy : false);
  app.disable("x-powered-by");
  // Every answer is Cache-Control: no-store, so an ETag would only cost a SHA-1 of each body, and an
  // If-None-Match could turn an answer into a 304 the contract does not declare.
  app.set("etag", false);
  // The spec's paths are exact: /V1/CASES and /v1/cases/ are not /v1/cases.
  app.set("case sensitive routing", true);
  app.set("strict routing", true);
  return app;
}
