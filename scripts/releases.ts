// The released versions of the contract: bundled snapshots in spec/releases/<version>.yaml, never edited after
// release. Each begins with a "# Released <version> on <YYYY-MM-DD>" line, which the changelog reads.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readBundle, repoFiles, type OpenAPI3 } from "../contract/index.ts";

export const releasesDir = repoFiles.releases;

export interface Snapshot {
  version: string;
  file: string;
  releasedOn: string;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function semverParts(version: string): [number, number, number] {
  const m = SEMVER.exec(version);
  if (!m) throw new Error(`"${version}" is not a MAJOR.MINOR.PATCH version`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [semverParts(a), semverParts(b)];
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/** A breaking change is allowed only together with a higher major version. */
export function majorRaised(before: string, after: string): boolean {
  return semverParts(after)[0] > semverParts(before)[0];
}

export function releaseHeader(version: string, releasedOn: string): string {
  return `# Released ${version} on ${releasedOn}: the bundled contract as published. Never edit; release a new version instead.\n`;
}

/** Every snapshot, oldest first. */
export function listSnapshots(dir = releasesDir): Snapshot[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => {
      const file = join(dir, name);
      const version = name.slice(0, -".yaml".length);
      const header = /^# Released (\S+) on (\d{4}-\d{2}-\d{2})/.exec(readFileSync(file, "utf8"));
      if (!header || header[1] !== version)
        throw new Error(`${file} must begin with "# Released ${version} on YYYY-MM-DD"`);
      return { version, file, releasedOn: header[2] };
    })
    .sort((a, b) => compareVersions(a.version, b.version));
}

export function latestSnapshot(dir = releasesDir): Snapshot {
  const all = listSnapshots(dir);
  if (all.length === 0) throw new Error(`no released snapshot in ${dir}`);
  return all[all.length - 1];
}

export function loadSnapshot(snapshot: Snapshot): OpenAPI3 {
  return readBundle(snapshot.file);
}
