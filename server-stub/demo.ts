// npm start's sandbox data: on an empty store, a demo firm with two users and one integration holding every scope
// of the spec's catalogue, usable from loopback only. Later starts find it again by the id kept in settings, and
// give it (and its firm) any scope the catalogue has gained since, so a new operation's scope works in the sandbox.
import { FirmAdmin } from "./admin/firm-admin.ts";
import { loadContract } from "../contract/index.ts";
import type { Store } from "./store/database.ts";
import { findFirm, updateFirmScopes } from "./store/firms.ts";
import { findIntegration, type Integration, updateIntegration } from "./store/integrations.ts";
import { getSetting, setSetting } from "./store/settings.ts";

export const LOOPBACK_RANGES = ["127.0.0.0/8", "::1/128"];
const DEMO_APP_SETTING = "demo_app_id";

export interface DemoIntegration {
  orgId: string;
  appId: string;
  /** Only when it was created by this call: the secret is never stored. */
  clientSecret?: string;
  /** Scopes of the catalogue this call gave an existing demo integration or its firm. */
  scopesAdded: string[];
}

/** Gives the demo firm and integration the catalogue's scopes they lack; returns those added to either. */
async function addNewScopes(store: Store, integration: Integration): Promise<string[]> {
  const catalogue = loadContract().scopeNames;
  return store.write(async (trx) => {
    const firmScopes = (await findFirm(trx, integration.orgId))?.scopes ?? [];
    const added = catalogue.filter((s) => !firmScopes.includes(s) || !integration.scopes.includes(s));
    if (added.length === 0) return [];
    await updateFirmScopes(trx, integration.orgId, [...new Set([...firmScopes, ...catalogue])]);
    await updateIntegration(trx, integration.appId, { scopes: [...new Set([...integration.scopes, ...catalogue])] });
    return added;
  });
}

export async function ensureDemoIntegration(store: Store): Promise<DemoIntegration> {
  const admin = new FirmAdmin(store);
  const existing = await getSetting(store.db, DEMO_APP_SETTING);
  if (existing) {
    const integration = await findIntegration(store.db, existing);
    if (integration)
      return { orgId: integration.orgId, appId: existing, scopesAdded: await addNewScopes(store, integration) };
  }
  const firm = await admin.createFirm({ name: "Demo Firm LLP" });
  await admin.addUser({ orgId: firm.orgId, name: "Lorraine Baines", email: "lorraine@example.com", role: "admin" });
  await admin.addUser({ orgId: firm.orgId, name: "Marty Client", email: "marty@example.com", role: "member" });
  const integration = await admin.createIntegration({
    orgId: firm.orgId,
    identifier: "demo-case-management-system",
    scopes: [...loadContract().scopeNames],
    allowedIpRanges: LOOPBACK_RANGES,
  });
  await store.write((trx) => setSetting(trx, DEMO_APP_SETTING, integration.appId));
  return { orgId: firm.orgId, appId: integration.appId, clientSecret: integration.clientSecret, scopesAdded: [] };
}

/** What npm start prints about the demo integration: its secret when just created, else how to rotate it. */
export function demoBanner(demo: DemoIntegration, url: string): string {
  const added = demo.scopesAdded.length > 0 ? [`Gave the demo integration the new scope(s) ${demo.scopesAdded}.`] : [];
  if (!demo.clientSecret) {
    return [
      ...added,
      `Demo integration clientId ${demo.appId} (firm ${demo.orgId}); its secret was shown when it was created.`,
      `New secret: npm run admin -- integration rotate-secret --app-id ${demo.appId}`,
    ].join("\n");
  }
  const body = JSON.stringify({
    clientId: demo.appId,
    clientSecret: demo.clientSecret,
    scopes: ["cases.create"],
    expiresInSeconds: 3600,
  });
  return [
    `Created a demo firm (${demo.orgId}) with two users and an API integration holding all ${loadContract().scopeNames.length} scopes, usable from loopback only.`,
    "Store the secret now: it is shown only this once.",
    `clientId: ${demo.appId}`,
    `clientSecret: ${demo.clientSecret}`,
    "For the README's Quickstart, the typed client and the conformance suite (the product page's variable names):",
    `export VERIFY_CLIENT_BASE_URL=${url} VERIFY_CLIENT_CLIENT_ID=${demo.appId} VERIFY_CLIENT_CLIENT_SECRET=${demo.clientSecret}`,
    "Get a token:",
    `curl -s -X POST '${url}/v1/microapps/system-tokens' -H 'Content-Type: application/json' -d '${body}'`,
  ].join("\n");
}
