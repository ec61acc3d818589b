// The admin layer (FirmAdmin), called as the demo seeding and the tests call it: bad input is an AdminInputError
// that names the input field, never a CLI flag, and a taken identifier (a unique violation in the store) is bad
// input too. The CLI's flag names are in admin-cli.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminInputError, FirmAdmin } from "../../server-stub/admin/firm-admin.ts";
import { openStore, type Store } from "../../server-stub/store/database.ts";
import { createThrowawayStore, type ThrowawayStore } from "../support/throwaway-store.ts";

let throwaway: ThrowawayStore;
let store: Store;
let admin: FirmAdmin;
beforeAll(async () => {
  throwaway = await createThrowawayStore(process.env.DATABASE_URL);
  store = await openStore(throwaway.options);
  admin = new FirmAdmin(store);
});
afterAll(async () => {
  await store?.close();
  await throwaway?.dispose();
});

async function inputError(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminInputError);
  return (error as AdminInputError).message;
}

describe("admin input errors", () => {
  it("name the field that is wrong, not the CLI flag", async () => {
    const firm = await admin.createFirm({ name: "Fields LLP" });
    const { appId } = await admin.createIntegration({
      orgId: firm.orgId,
      identifier: "cms",
      scopes: ["cases.create"],
      allowedIpRanges: ["127.0.0.0/8"],
    });
    const messages = [
      await inputError(admin.rotateSecret({ appId, graceSeconds: -1 })),
      await inputError(admin.updateIntegration({ appId })),
      await inputError(admin.audit(firm.orgId, 0)),
      await inputError(admin.updateIntegration({ appId, allowedIpRanges: [] })),
      await inputError(admin.seedCases(firm.orgId, 0)),
    ];
    expect(messages[0]).toMatch(/^graceSeconds must be/);
    expect(messages[1]).toBe("nothing to update: give scopes and/or allowedIpRanges");
    expect(messages[2]).toMatch(/^limit must be an integer/);
    expect(messages[3]).toMatch(/^allowedIpRanges must name at least one CIDR/);
    expect(messages[4]).toMatch(/^count must be/);
    for (const message of messages) expect(message).not.toContain("--");
  });

  it("inputs the API answers with are checked with the contract's own schemas and formats, naming the field", async () => {
    const firm = await admin.createFirm({ name: "Schemas LLP" });
    const user = { orgId: firm.orgId, name: "Ann", email: "ann@example.com", role: "admin" };
    for (const email of ["ä@example.com", "a@exa_mple.com", "(c)a@example.com", "no-at-sign"]) {
      expect(await inputError(admin.addUser({ ...user, email })), email).toMatch(/^invalid email /);
    }
    expect(await inputError(admin.addUser({ ...user, name: "x".repeat(201) }))).toMatch(/^invalid name /);
    expect(await inputError(admin.addUser({ ...user, role: "a\u0001b" }))).toMatch(/^invalid role /);
    const integration = { orgId: firm.orgId, scopes: ["cases.create"], allowedIpRanges: ["::1/128"] };
    expect(await inputError(admin.createIntegration({ ...integration, identifier: "x".repeat(101) }))).toMatch(
      /^invalid identifier /,
    );
    expect(await admin.addUser(user)).toMatchObject({ email: "ann@example.com" });
    const refused = await admin.addUser({ ...user, email: "ä@example.com" }).catch((e: AdminInputError) => e);
    expect((refused as AdminInputError).naming((field) => `--${field}`)).toMatch(/^invalid --email /);
  });

  it("a second integration with the same identifier in a firm is bad input naming the identifier", async () => {
    const firm = await admin.createFirm({ name: "Twice LLP" });
    const integration = {
      orgId: firm.orgId,
      identifier: "cms",
      scopes: ["cases.create"],
      allowedIpRanges: ["::1/128"],
    };
    await admin.createIntegration(integration);
    expect(await inputError(admin.createIntegration(integration))).toBe(
      "the firm already has an integration with identifier cms",
    );
    expect(await admin.listIntegrations(firm.orgId)).toHaveLength(1);
  });
});
