// What the server serves outside the contract: the spec, the AI files (llms.txt and llms-full.txt), the docs page
// and its icon, and a health check.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Express, RequestHandler } from "express";
import { repoFiles } from "../../contract/index.ts";
import { unavailable } from "../errors/error-response.ts";
import type { Store } from "../store/database.ts";

/** Serves one repository file (read once). */
function staticFile(path: string, contentType: string): RequestHandler {
  let body: Buffer | undefined;
  return (_req, res) => {
    body ??= readFileSync(path);
    res.set({ "Content-Type": contentType }).send(body);
  };
}

/**
 * The docs page: it inlines Redoc (scripts, styles, a blob worker) and loads nothing from elsewhere. Its CSP
 * allows exactly the page's own inline scripts, by hash; styles stay 'unsafe-inline' because Redoc's
 * styled-components inserts them at run time, where no hash can be known.
 */
function docsPage(): RequestHandler {
  let page: { body: Buffer; csp: string } | undefined;
  return (_req, res) => {
    if (!page) {
      const body = readFileSync(repoFiles.docsHtml);
      const scriptHashes = [...body.toString("utf8").matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
        ([, script]) => `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`,
      );
      const csp = [
        "default-src 'self'",
        `script-src 'self' ${scriptHashes.join(" ")}`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "worker-src 'self' blob:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join("; ");
      page = { body, csp };
    }
    res.set({ "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": page.csp }).send(page.body);
  };
}

export function routeOutsideContract(app: Express, store: Store): void {
  app.get("/openapi.yaml", staticFile(repoFiles.bundle, "application/yaml; charset=utf-8"));
  app.get("/llms.txt", staticFile(repoFiles.llmsTxt, "text/plain; charset=utf-8"));
  app.get("/llms-full.txt", staticFile(repoFiles.llmsFullTxt, "text/plain; charset=utf-8"));
  app.get("/docs", docsPage());
  // An SVG under the name browsers ask for by default; the docs page links it too.
  app.get("/favicon.ico", staticFile(repoFiles.favicon, "image/svg+xml"));
  app.get("/healthz", async (_req, res, next) => {
    if (await store.ping()) res.json({ ok: true });
    else next(unavailable());
  });
}
