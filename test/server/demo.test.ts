// The demo integration follows the scope catalogue: a scope the spec has gained since the store was seeded reaches
// the demo firm and integration on the next start, so a new operation works in the sandbox at once.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadContract } from "../../contract/index.ts";
import { demoBanner, ensureDemoIntegration } from "../../server-stub/demo.ts";
import { updateFirmScopes } from "../../server-stub/store/firms.ts";
import { updateIntegration } from "../../server-stub/store/integrations.ts";
import { startInProcess, type InProcessServer } from "../support/reference-server.ts";

describe("the demo integration on start", () => {
  let server: InProcessServer;
  beforeAll(async () => {
    server = await startInProcess();
  });
  afterAll(() => server?.close());

  test("a store seeded before the catalogue's last scope gets it on the next start, and the banner says so", async () => {
    const catalogue = loadContract().scopeNames;
    const [newest, ...older] = [...catalogue].reverse();
    // As a store seeded before `newest` was in the spec.
    await server.store.write(async (trx) => {
      await updateFirmScopes(trx, server.orgId, older);
      await updateIntegration(trx, server.clientId, { scopes: older });
    });
    const demo = await ensureDemoIntegration(server.store);
    expect(demo.scopesAdded).toEqual([newest]);
    expect(demoBanner(demo, server.baseUrl)).toContain(`new scope(s) ${newest}`);
    const [view] = await server.admin.listIntegrations(server.orgId);
    expect([...view.scopes].sort()).toEqual([...catalogue].sort());
    expect((await ensureDemoIntegration(server.store)).scopesAdded).toEqual([]);
  });

  test("the first start's banner counts the catalogue's scopes", () => {
    const banner = demoBanner({ orgId: "org_1", appId: "app", clientSecret: "s", scopesAdded: [] }, "http://x");
    expect(banner).toContain(`holding all ${loadContract().scopeNames.length} scopes`);
  });
});
