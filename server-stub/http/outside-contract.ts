// What the server serves outside the contract: the spec, the AI entrypoint, the docs page and a health check.
import { readFileSync } from "node:fs";
import type { Express, RequestHandler } from "express";
import { repoFiles } from "../../contract/index.ts";
import { unavailable } from "../errors/error-response.ts";
import type { Store } from "../store/database.ts";

/** Serves one repository file (read once). */
function staticFile(path: string, contentType: string, extraHeaders: Record<string, string> = {}): RequestHandler {
  let body: Buffer | undefined;
  return (_req, res) => {
    body ??= readFileSync(path);
    res.set({ "Content-Type": contentType, ...extraHeaders }).send(body);
  };
}

export function routeOutsideContract(app: Express, store: Store): void {
  app.get("/openapi.yaml", staticFile(repoFiles.bundle, "application/yaml; charset=utf-8"));
  app.get("/llms.txt", staticFile(repoFiles.llmsTxt, "text/plain; charset=utf-8"));
  app.get(
    "/docs",
    staticFile(repoFiles.docsHtml, "text/html; charset=utf-8", {
      // The page inlines Redoc (scripts, styles, a blob worker) and loads nothing from elsewhere.
      "Content-Security-Policy":
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:",
    }),
  );
  app.get("/healthz", async (_req, res, next) => {
    if (await store.ping()) res.json({ ok: true });
    else next(unavailable());
  });
}
