// `npx tsx scripts/release-snapshot.ts`: records the working tree's contract as released, in
// spec/releases/<info.version>.yaml. Run it when a version ships; raise info.version before the next change.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { OpenAPI3 } from "../contract/index.ts";
import { bundleWorkingTreeText } from "./bundle-spec.ts";
import { latestSnapshot, listSnapshots, compareVersions, releaseHeader, releasesDir } from "./releases.ts";

const bundle = bundleWorkingTreeText();
const version = (parse(bundle) as OpenAPI3).info.version;
const file = join(releasesDir, `${version}.yaml`);
if (existsSync(file))
  throw new Error(`${file} exists: ${version} is already released; raise info.version in spec/openapi.yaml`);
if (listSnapshots().length > 0 && compareVersions(version, latestSnapshot().version) <= 0) {
  throw new Error(`info.version ${version} is not above the latest release ${latestSnapshot().version}`);
}
const releasedOn = new Date().toISOString().slice(0, 10);
writeFileSync(file, releaseHeader(version, releasedOn) + bundle);
console.log(
  `spec/releases/${version}.yaml written; run \`npm run generate\` to move its changes out of [Unreleased] in CHANGELOG.md`,
);
