// Client addresses: allowedIpRanges (IPv4, IPv6, IPv4-mapped IPv6) at issuance and at use, and TRUST_PROXY.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminInputError } from "../../server-stub/admin/firm-admin.ts";
import { canonicalAddress, isAddressInRanges, parseCidr, rateLimitSource } from "../../server-stub/auth/ip-ranges.ts";
import { configFromEnv } from "../../server-stub/config.ts";
import { call, errorCode, exchange, newFirm, startTestServer, tokenFor, type TestServer } from "./harness.ts";

describe("ip ranges", () => {
  it("match IPv4, IPv6 and IPv4-mapped IPv6 addresses and ranges alike", () => {
    expect(isAddressInRanges("127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(isAddressInRanges("::1", ["127.0.0.0/8", "::1/128"])).toBe(true);
    expect(isAddressInRanges("::ffff:127.0.0.1", ["127.0.0.0/8"])).toBe(true);
    expect(isAddressInRanges("10.1.2.3", ["::ffff:10.0.0.0/104"])).toBe(true);
    expect(isAddressInRanges("::ffff:10.1.2.3", ["::ffff:10.0.0.0/104"])).toBe(true);
    expect(isAddressInRanges("2001:db8::5", ["2001:db8::/32"])).toBe(true);
    expect(isAddressInRanges("2001:db9::5", ["2001:db8::/32"])).toBe(false);
    expect(isAddressInRanges("11.0.0.1", ["10.0.0.0/8"])).toBe(false);
    expect(isAddressInRanges("10.0.0.1", ["::/0"])).toBe(false);
    expect(isAddressInRanges("not-an-ip", ["0.0.0.0/0"])).toBe(false);
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    expect(parseCidr("::ffff:10.0.0.0/95")).toBeNull();
  });

  it("only standard text is a range: zero-padded, hex, octal and short-form octets match nothing", () => {
    for (const odd of [
      "010.0.0.0/8",
      "0x0a.0.0.0/8",
      "10.1/16",
      "167772160/8",
      "10.0.0.0/08",
      " 10.0.0.0/8",
      "fe80::1%eth0/128",
    ]) {
      expect(parseCidr(odd), odd).toBeNull();
      expect(isAddressInRanges("8.1.2.3", [odd]), odd).toBe(false);
      expect(isAddressInRanges("10.1.2.3", [odd]), odd).toBe(false);
    }
    expect(parseCidr("10.0.0.0/8")).not.toBeNull();
    expect(parseCidr("2001:db8::/32")).not.toBeNull();
    expect(() => configFromEnv({ TRUST_PROXY: "010.0.0.1/32" })).toThrow(/TRUST_PROXY.*standard text/);
  });

  it("rate limits count an IPv4 address, or an IPv6 /64, as one source, however it is written", () => {
    expect(rateLimitSource("::ffff:198.51.100.1")).toBe("198.51.100.1");
    expect(rateLimitSource("2001:db8:0:0:0:0:0:1")).toBe("2001:db8::/64");
    expect(rateLimitSource("2001:db8::ffff:1")).toBe("2001:db8::/64");
    expect(rateLimitSource("2001:db8:0:1::1")).toBe("2001:db8:0:1::/64");
    expect(canonicalAddress("::FFFF:127.0.0.1")).toBe("127.0.0.1");
  });

  it("an IPv4 address and its mapped IPv6 form agree on every range (property)", () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join("."));
    fc.assert(
      fc.property(ipv4, ipv4, fc.integer({ min: 0, max: 32 }), (address, base, bits) => {
        const range = `${base}/${bits}`;
        const mappedRange = `::ffff:${base}/${96 + bits}`;
        const expected = isAddressInRanges(address, [range]);
        expect(isAddressInRanges(`::ffff:${address}`, [range])).toBe(expected);
        expect(isAddressInRanges(address, [mappedRange])).toBe(expected);
        expect(isAddressInRanges(address, [`${address}/${bits}`])).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("allowedIpRanges over HTTP", () => {
  let proxied: TestServer;
  let direct: TestServer;
  beforeAll(async () => {
    [proxied, direct] = await Promise.all([startTestServer({ TRUST_PROXY: "127.0.0.1/32" }), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([proxied?.close(), direct?.close()]);
  });

  it("the caller's address is checked at issuance for IPv6 and IPv4-mapped forms (behind a trusted proxy)", async () => {
    const v6 = await newFirm(proxied, { identifier: "v6", ranges: ["2001:db8::/32"] });
    expect((await exchange(proxied, v6, ["users.list"], { "X-Forwarded-For": "2001:db8::42" })).status).toBe(200);
    expect(errorCode(await exchange(proxied, v6, ["users.list"], { "X-Forwarded-For": "2001:db9::42" }))).toBe(
      "ip_not_allowed",
    );

    const mapped = await newFirm(proxied, { identifier: "mapped", ranges: ["::ffff:203.0.113.0/120"] });
    expect((await exchange(proxied, mapped, ["users.list"], { "X-Forwarded-For": "203.0.113.7" })).status).toBe(200);
    expect((await exchange(proxied, mapped, ["users.list"], { "X-Forwarded-For": "::ffff:203.0.113.8" })).status).toBe(
      200,
    );
    expect(errorCode(await exchange(proxied, mapped, ["users.list"], { "X-Forwarded-For": "203.0.114.7" }))).toBe(
      "ip_not_allowed",
    );
  });

  it("the address is re-checked at every call, and a narrowed range applies to a live token", async () => {
    const app = await newFirm(proxied, { identifier: "moving", ranges: ["203.0.113.0/24"] });
    const office = { "X-Forwarded-For": "203.0.113.7" };
    const token = (await exchange(proxied, app, ["users.list"], office)).body.accessToken;
    expect((await call(proxied, "GET", "/v1/microapps/api/users", { token, headers: office })).status).toBe(200);
    const elsewhere = await call(proxied, "GET", "/v1/microapps/api/users", {
      token,
      headers: { "X-Forwarded-For": "198.51.100.1" },
    });
    expect(elsewhere.status).toBe(403);
    expect(errorCode(elsewhere)).toBe("ip_not_allowed");

    await proxied.admin.updateIntegration({ appId: app.clientId, allowedIpRanges: ["192.0.2.0/24"] });
    expect(errorCode(await call(proxied, "GET", "/v1/microapps/api/users", { token, headers: office }))).toBe(
      "ip_not_allowed",
    );
  });

  it("a token used from outside its range is refused ip_not_allowed before its scopes are checked", async () => {
    const app = await newFirm(proxied, { identifier: "stolen", ranges: ["203.0.113.0/24"] });
    const token = (await exchange(proxied, app, ["users.list"], { "X-Forwarded-For": "203.0.113.7" })).body.accessToken;
    const outside = { "X-Forwarded-For": "198.51.100.1" };
    const unscoped = await call(proxied, "POST", "/v1/cases", { token, headers: outside, body: {} });
    expect(unscoped.status).toBe(403);
    expect(errorCode(unscoped)).toBe("ip_not_allowed");
  });

  it("the admin refuses a range not in standard text, naming the option; one stored before is reported", async () => {
    const firm = await proxied.admin.createFirm({ name: "Padded" });
    const refused = await proxied.admin
      .createIntegration({
        orgId: firm.orgId,
        identifier: "padded",
        scopes: ["users.list"],
        allowedIpRanges: ["010.0.0.0/8"],
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminInputError);
    expect((refused as AdminInputError).naming((f) => `--${f}`)).toMatch(/--allowedIpRanges.*010\.0\.0\.0\/8/);
    const app = await newFirm(proxied, { identifier: "stored-padded", ranges: ["203.0.113.0/24"] });
    await proxied.store.db
      .updateTable("integrations")
      .set({ allowed_ip_ranges: JSON.stringify(["010.0.0.0/8"]) })
      .where("app_id", "=", app.clientId)
      .execute();
    expect(await proxied.admin.nonCanonicalRanges()).toContainEqual({ appId: app.clientId, ranges: ["010.0.0.0/8"] });
    for (const address of ["8.0.0.1", "10.0.0.1"]) {
      const reply = await exchange(proxied, app, ["users.list"], { "X-Forwarded-For": address });
      expect(errorCode(reply), address).toBe("ip_not_allowed");
    }
  });

  it("behind a trusted proxy, a forwarded address that is not an IP is 400 invalid_request", async () => {
    const reply = await call(proxied, "GET", "/healthz", { headers: { "X-Forwarded-For": "not-an-ip" } });
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe("invalid_request");
  });

  it("X-Forwarded-For from a peer that is not a trusted proxy is ignored", async () => {
    const app = await newFirm(direct, { identifier: "spoofer", ranges: ["203.0.113.0/24"] });
    const spoofed = await exchange(direct, app, ["users.list"], { "X-Forwarded-For": "203.0.113.7" });
    expect(spoofed.status).toBe(403);
    expect(errorCode(spoofed)).toBe("ip_not_allowed");

    // The demo integration (loopback only) works from loopback whatever the header claims.
    const token = await tokenFor(direct, direct, ["users.list"]);
    const reply = await call(direct, "GET", "/v1/microapps/api/users", {
      token,
      headers: { "X-Forwarded-For": "198.51.100.1" },
    });
    expect(reply.status).toBe(200);
  });
});
