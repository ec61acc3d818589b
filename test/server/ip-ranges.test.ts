// Client addresses: allowedIpRanges (IPv4, IPv6, IPv4-mapped IPv6) at issuance and at use, and TRUST_PROXY.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalAddress, isAddressInRanges, parseCidr, rateLimitSource } from "../../server-stub/auth/ip-ranges.ts";
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
