// npm start's sandbox data: on an empty store, a demo firm with two users and one integration holding all five
// scopes, usable from loopback only. Later starts find it again by the id kept in settings.
import { FirmAdmin } from "./admin/firm-admin.ts";
import { loadContract } from "./contract.ts";
import type { Store } from "./store/database.ts";
import { findIntegration } from "./store/integrations.ts";
import { getSetting, setSetting } from "./store/settings.ts";

export const LOOPBACK_RANGES = ["127.0.0.0/8", "::1/128"];
const DEMO_APP_SETTING = "demo_app_id";

export interface DemoIntegration {
  orgId: string;
  appId: string;
  /** Only when it was created by this call: the secret is never stored. */
  clientSecret?: string;
}

export async function ensureDemoIntegration(store: Store): Promise<DemoIntegration> {
  const admin = new FirmAdmin(store);
  const existing = await getSetting(store.db, DEMO_APP_SETTING);
  if (existing) {
    const integration = await findIntegration(store.db, existing);
    if (integration) return { orgId: integration.orgId, appId: existing };
  }
  const firm = await admin.createFirm({ name: "Demo Firm LLP" });
  await admin.addUser({ orgId: firm.orgId, name: "Lorraine Baines", email: "lorraine@example.com", role: "admin" });
  await admin.addUser({ orgId: firm.orgId, name: "Marty Client", email: "marty@example.com", role: "member" });
  const integration = await admin.createIntegration({
    orgId: firm.orgId,
    identifier: "demo-case-management-system",
    scopes: loadContract().scopeNames,
    allowedIpRanges: LOOPBACK_RANGES,
  });
  await store.write((trx) => setSetting(trx, DEMO_APP_SETTING, integration.appId));
  return { orgId: firm.orgId, appId: integration.appId, clientSecret: integration.clientSecret };
}
