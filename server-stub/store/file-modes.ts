// The SQLite store holds the token signing keys (signing_keys) and the cursor key (settings): whoever reads the file
// can sign tokens the server accepts. So DATA_DIR is 0700 and the database files 0600, whatever the umask; a store
// made by an older version (0755 / 0644) is tightened when it is opened. PostgreSQL keeps them in its own tables,
// behind the database's roles.
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from "node:fs";

export const DATA_DIR_MODE = 0o700;
export const DATABASE_FILE_MODE = 0o600;

/** What the server logs (at warn, with the path) for each path opening the store tightened. */
export const TIGHTENED_MESSAGE = "tightened the store's mode: only its owner may read it";

/** A mode that could not be tightened (the process does not own the path, or its file system refuses): one line. */
export class StoreModeError extends Error {}

/** Gives `path` `mode` if group or others have any access; true when it did. */
function tighten(path: string, mode: number, what: string): boolean {
  const current = statSync(path).mode & 0o777;
  if ((current & 0o077) === 0) return false;
  try {
    chmodSync(path, mode);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new StoreModeError(
      `DATA_DIR: ${what} ${path} is mode ${current.toString(8)} and cannot be made ${mode.toString(8)} (${reason}): ` +
        "it holds the token signing key; fix its owner or mode",
    );
  }
  return true;
}

/**
 * Creates `dataDir` (0700) and `databaseFile` (0600) if they are missing, and tightens them and the database's
 * -wal and -shm files (SQLite gives those the database file's mode) when they are open to others. Returns the
 * paths it tightened; throws StoreModeError when a mode cannot be fixed.
 */
export function secureDataDir(dataDir: string, databaseFile: string): string[] {
  mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  const tightened: string[] = [];
  if (tighten(dataDir, DATA_DIR_MODE, "the directory")) tightened.push(dataDir);
  // Created here, not by SQLite, so that it never exists with the umask's mode.
  closeSync(openSync(databaseFile, "a", DATABASE_FILE_MODE));
  for (const file of [databaseFile, `${databaseFile}-wal`, `${databaseFile}-shm`]) {
    let exists = true;
    try {
      statSync(file);
    } catch {
      exists = false;
    }
    if (exists && tighten(file, DATABASE_FILE_MODE, "the database file")) tightened.push(file);
  }
  return tightened;
}
