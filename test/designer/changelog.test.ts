// CHANGELOG.md is built from the classified diff between releases, in the Keep a Changelog layout.
import { describe, expect, it } from "vitest";
import { buildChangelog } from "../../scripts/changelog.ts";
import { pair } from "./pairs.ts";

describe("CHANGELOG.md", () => {
  const v1 = pair("removed-path").before;
  const v2 = { ...pair("removed-path").after, info: { ...v1.info, version: "2.0.0" } };
  const releases = [
    { version: "1.0.0", releasedOn: "2026-01-01", doc: v1 },
    { version: "2.0.0", releasedOn: "2026-02-01", doc: v2 },
  ];

  it("lists each release, newest first, under Keep a Changelog's headings, with breaking changes marked", () => {
    const text = buildChangelog(releases, v2);
    expect(text).toMatch(/^# Changelog\n/);
    expect(text).toContain("## [Unreleased]\n\nNo changes since 2.0.0.");
    expect(text).toContain(
      "## [2.0.0] - 2026-02-01\n\n### Removed\n\n- **Breaking:** Removed operation GET /v1/things",
    );
    expect(text.indexOf("## [2.0.0]")).toBeLessThan(text.indexOf("## [1.0.0]"));
    expect(text).toContain(
      "## [1.0.0] - 2026-01-01\n\n### Added\n\n- First release of the contract, with 2 operations",
    );
  });

  it("puts what spec/ changed since the latest release under [Unreleased]", () => {
    const next = pair("new-optional-request-field").after;
    const text = buildChangelog(releases.slice(0, 1), next);
    expect(text).toContain("## [Unreleased]\n\n### Added\n\n- Added optional request field size to POST /v1/things");
  });

  it("files a breaking addition (a new required request field) under Changed, marked breaking, never under Added", () => {
    const { before, after } = pair("new-required-request-field");
    const text = buildChangelog([{ version: "1.0.0", releasedOn: "2026-01-01", doc: before }], after);
    expect(text).toContain(
      "## [Unreleased]\n\n### Changed\n\n- **Breaking:** Added required request field size to POST /v1/things",
    );
    expect(text).not.toContain("### Added\n\n- **Breaking:**");
  });
});
