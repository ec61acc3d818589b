// Reviewed allowances (x-breaking-allowances): a breaking change ships without a new major only when an allowance
// for the new version names it; an allowance that names nothing, or gives no reason, fails the gate.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../contract/index.ts";
import { buildChangelog } from "../../scripts/changelog.ts";
import { compareSpecs, formatReport, staleAllowances, verdict } from "../../scripts/spec-diff.ts";
import { pair } from "./pairs.ts";

const reason = "Security narrowing: colours outside the palette were stored unchecked.";
const colorAllowance = {
  version: "1.1.0",
  operation: "POST /v1/things",
  part: "request",
  field: "color",
  keyword: "enum",
  rule: "Colours come from the palette",
  reason,
};

/** The pair's new document released as 1.1.0, with these allowances. */
function minorRelease(kind: string, allowances: object[]) {
  const { before, after } = pair(kind);
  after.info.version = "1.1.0";
  after["x-breaking-allowances"] = allowances;
  return { before, after };
}

function gate(before: any, after: any) {
  const changes = compareSpecs(before, after);
  const result = verdict(changes, before.info.version, after.info.version, staleAllowances(changes, before, after));
  return { changes, result };
}

describe("x-breaking-allowances", () => {
  it("an allowed narrowing passes, reported as breaking, allowed, with its reason", () => {
    const { before, after } = minorRelease("narrowed-request-enum", [colorAllowance]);
    const { changes, result } = gate(before, after);
    expect(result.ok, result.reason).toBe(true);
    expect(result.reason).toBe("1 breaking change, each allowed for 1.1.0 by x-breaking-allowances");
    expect(changes.find((c) => c.class === "breaking")?.allowed).toEqual({ rule: colorAllowance.rule, reason });
    expect(formatReport(changes)).toContain("Breaking (0)\n\nBreaking, allowed (1)\n  - removed enum value `green`");
    expect(formatReport(changes)).toContain(`(breaking, allowed: ${reason})`);
  });

  it("an unallowed narrowing fails", () => {
    const { before, after } = minorRelease("narrowed-request-enum", []);
    const { result } = gate(before, after);
    expect(result.ok).toBe(false);
    expect(result.reason).toContain("1 breaking change while info.version's major stays 1");
  });

  it("an allowance that names another field allows nothing and is stale", () => {
    const { before, after } = minorRelease("narrowed-request-enum", [{ ...colorAllowance, field: "name" }]);
    const { changes, result } = gate(before, after);
    expect(changes.some((c) => c.allowed)).toBe(false);
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/^stale allowance: x-breaking-allowances entry for 1\.1\.0 \(POST \/v1\/things/);
  });

  it("a stale allowance fails the gate even when nothing else is breaking", () => {
    const { before, after } = minorRelease("new-optional-request-field", [colorAllowance]);
    const { result } = gate(before, after);
    expect(result.ok).toBe(false);
    expect(result.reason).toContain("matches no breaking change");
  });

  it("an allowance without a reason is refused", () => {
    const { reason: _, ...withoutReason } = colorAllowance;
    const { before, after } = minorRelease("narrowed-request-enum", [withoutReason]);
    expect(() => compareSpecs(before, after)).toThrow(
      "x-breaking-allowances[0] is refused: it needs a non-empty reason",
    );
    const blank = minorRelease("narrowed-request-enum", [{ ...colorAllowance, reason: " " }]);
    expect(() => compareSpecs(blank.before, blank.after)).toThrow(/needs a non-empty reason/);
  });

  it("once the version is released its allowances are its record: inactive in the next diff, not stale", () => {
    const { after: released } = minorRelease("narrowed-request-enum", [colorAllowance]);
    const next = structuredClone(released);
    const { changes, result } = gate(released, next);
    expect(changes.filter((c) => c.class === "breaking")).toEqual([]);
    expect(result).toEqual({ ok: true, reason: "no breaking change" });
  });

  it("CHANGELOG.md lists allowed narrowings under Security, before and after the release is cut", () => {
    const { before, after } = minorRelease("narrowed-request-enum", [colorAllowance]);
    const v1 = { version: "1.0.0", releasedOn: "2026-01-01", doc: before };
    const security = "### Security\n\n- Removed enum value `green` from request field color of POST /v1/things";

    const unreleased = buildChangelog([v1], after);
    expect(unreleased).toContain(`## [Unreleased]\n\n${security}`);
    expect(unreleased).toContain("Breaking, allowed: Colours come from the palette.");
    expect(unreleased).not.toContain("### Removed");

    const cut = buildChangelog([v1, { version: "1.1.0", releasedOn: "2026-02-01", doc: after }], after);
    expect(cut).toContain("## [Unreleased]\n\nNo changes since 1.1.0.");
    expect(cut).toContain(`## [1.1.0] - 2026-02-01\n\n${security}`);
    expect(cut).not.toContain("x-breaking-allowances");
  });

  it("npm run diff -- --json marks each allowed change with its rule and reason", async () => {
    const tsx = `${repoRoot}/node_modules/.bin/tsx`;
    const { stdout } = await promisify(execFile)(tsx, ["scripts/diff.ts", "--json"], { cwd: repoRoot });
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(true);
    expect(report.staleAllowances).toEqual([]);
    for (const change of report.changes.filter((c: any) => c.class === "breaking")) {
      expect(change.allowed.reason).toBeTruthy();
      expect(change.location.operation).toBeTruthy();
    }
  }, 120_000);
});
