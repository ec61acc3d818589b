// `npm run admin -- <command>`: the firm admin's "Apps & API access", over the same store (DATABASE_URL or DATA_DIR) as the
// server, safe to run while it serves. Human output by default; --json prints one compact JSON document.
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { loadContract } from "../../contract/index.ts";
import { configFromEnv } from "../config.ts";
import { integerOption } from "../integer-option.ts";
import { storeOptionsFrom } from "../store-options.ts";
import { openStore, type Store } from "../store/database.ts";
import { AdminInputError, FirmAdmin, MAX_LIST_LIMIT } from "./firm-admin.ts";

/** The flag an admin input field is given by: allowedIpRanges -> --allowed-ip-ranges (commander's own naming). */
/** Bad usage: an unknown command or option, a missing or invalid value. */
const EXIT_USAGE = 2;

function flagOf(field: string): string {
  return `--${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

function csv(value: string): string[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError("expected a comma-separated list");
  return items;
}

/** Human output: objects as "key: value" lines, arrays as one block per item. */
function human(result: unknown): string {
  const block = (o: Record<string, unknown>) =>
    Object.entries(o)
      .map(
        ([k, v]) =>
          `${k}: ${Array.isArray(v) ? v.join(", ") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`,
      )
      .join("\n");
  if (Array.isArray(result)) return result.length === 0 ? "(none)" : result.map((r) => block(r)).join("\n\n");
  return block(result as Record<string, unknown>);
}

export function buildCli(openAdmin: () => Promise<{ admin: FirmAdmin; store: Store }>): Command {
  const catalogue = loadContract().scopeNames;
  const program = new Command("admin")
    .description(
      "Firm -> Apps & API access, for the reference server's store ($DATABASE_URL, else $DATA_DIR, default .data)",
    )
    .option("--json", "print one compact JSON document")
    // Usage errors throw (every subcommand inherits this) so main() exits 2 with commander's one line.
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(message) });

  // Runs one admin action and prints its result.
  const run =
    <A extends unknown[]>(action: (admin: FirmAdmin, ...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      const json = program.opts().json === true;
      const { admin, store } = await openAdmin();
      try {
        const result = await action(admin, ...args);
        process.stdout.write(`${json ? JSON.stringify(result) : human(result)}\n`);
      } finally {
        await store.close();
      }
    };

  const firm = program.command("firm").description("firms and the scopes they enable");
  firm
    .command("create")
    .description("create a firm; prints its orgId")
    .requiredOption("--name <name>", "the firm's name")
    .option(
      "--scopes <csv>",
      `scopes the firm enables (default: all ${catalogue.length}: ${catalogue.join(", ")})`,
      csv,
    )
    .action(run((admin, o: { name: string; scopes?: string[] }) => admin.createFirm(o)));
  firm
    .command("update")
    .description("change the scopes a firm enables (applies to live tokens at once; writes an admin audit row)")
    .requiredOption("--org <orgId>", "the firm")
    .option("--scopes <csv>", "scopes the firm enables (replaces them)", csv)
    .option("--add-scopes <csv>", "scopes to enable as well (e.g. one new to the spec's catalogue)", csv)
    .action(
      run((admin, o: { org: string; scopes?: string[]; addScopes?: string[] }) =>
        admin.updateFirm({ orgId: o.org, scopes: o.scopes, addScopes: o.addScopes }),
      ),
    );

  program
    .command("user")
    .description("firm users")
    .command("add")
    .description("add a user to a firm")
    .requiredOption("--org <orgId>", "the firm")
    .requiredOption("--name <name>", "full name")
    .requiredOption("--email <email>", "email address")
    .requiredOption("--role <role>", "role in the firm, as written (admin, member...)")
    .action(
      run((admin, o: { org: string; name: string; email: string; role: string }) =>
        admin.addUser({ orgId: o.org, name: o.name, email: o.email, role: o.role }),
      ),
    );

  const integration = program.command("integration").description("API integrations (clientId = appId)");
  integration
    .command("create")
    .description("create an integration; prints appId and the one-time clientSecret")
    .requiredOption("--org <orgId>", "the firm")
    .requiredOption("--identifier <name>", "the integration's name in audit rows")
    .requiredOption("--scopes <csv>", "the least scopes it needs", csv)
    .requiredOption("--allowed-ip-ranges <csv>", "CIDRs it may call from (e.g. 203.0.113.0/24,2001:db8::/32)", csv)
    .action(
      run((admin, o: { org: string; identifier: string; scopes: string[]; allowedIpRanges: string[] }) =>
        admin.createIntegration({
          orgId: o.org,
          identifier: o.identifier,
          scopes: o.scopes,
          allowedIpRanges: o.allowedIpRanges,
        }),
      ),
    );
  integration
    .command("update")
    .description("change scopes and/or allowed ranges (applies to live tokens at once)")
    .requiredOption("--app-id <appId>", "the integration")
    .option("--scopes <csv>", "new scopes", csv)
    .option("--add-scopes <csv>", "scopes to add to its own", csv)
    .option("--allowed-ip-ranges <csv>", "new CIDRs", csv)
    .action(
      run((admin, o: { appId: string; scopes?: string[]; addScopes?: string[]; allowedIpRanges?: string[] }) =>
        admin.updateIntegration({
          appId: o.appId,
          scopes: o.scopes,
          addScopes: o.addScopes,
          allowedIpRanges: o.allowedIpRanges,
        }),
      ),
    );
  integration
    .command("rotate-secret")
    .description("issue a new clientSecret; the old one stops working at once (or after --grace-seconds)")
    .requiredOption("--app-id <appId>", "the integration")
    .option("--grace-seconds <n>", "keep the old secret valid this long (max 86400)", integerOption(0))
    .option("--revoke-tokens", "also revoke every token issued so far (401 token_revoked)")
    .action(run((admin, o: { appId: string; graceSeconds?: number; revokeTokens?: boolean }) => admin.rotateSecret(o)));
  integration
    .command("disable")
    .description("disable an integration: its tokens stop working at once (401 token_revoked)")
    .requiredOption("--app-id <appId>", "the integration")
    .action(run((admin, o: { appId: string }) => admin.disableIntegration(o.appId)));
  integration
    .command("enable")
    .description("enable a disabled integration again: its secret and unexpired tokens work again")
    .requiredOption("--app-id <appId>", "the integration")
    .action(run((admin, o: { appId: string }) => admin.enableIntegration(o.appId)));
  integration
    .command("unlock")
    .description(
      "clear a lockout: forget the integration's failed token exchanges (and, with --address, that address's)",
    )
    .requiredOption("--app-id <appId>", "the integration")
    .option("--address <ip>", "also clear the failures counted against this address (for any clientId)")
    .action(run((admin, o: { appId: string; address?: string }) => admin.unlockIntegration(o)));
  integration
    .command("list")
    .description("a firm's integrations (never their secrets)")
    .requiredOption("--org <orgId>", "the firm")
    .action(run((admin, o: { org: string }) => admin.listIntegrations(o.org)));

  program
    .command("cases")
    .description("cases")
    .command("lookalikes")
    .description("cases whose matterRefs differ only in what 1.1.0 refuses or normalises (kept from before)")
    .option("--org <orgId>", "only this firm")
    .action(run((admin, o: { org?: string }) => admin.lookalikeMatterRefs(o.org)));

  program
    .command("audit")
    .description("a firm's audit rows, newest first")
    .requiredOption("--org <orgId>", "the firm")
    .option("--limit <n>", `how many (default 1000, max ${MAX_LIST_LIMIT})`, integerOption(1, MAX_LIST_LIMIT))
    .action(run((admin, o: { org: string; limit?: number }) => admin.audit(o.org, o.limit)));
  program
    .command("outbox")
    .description("what invites would have sent, newest first")
    .requiredOption("--org <orgId>", "the firm")
    .option("--limit <n>", `how many (default 1000, max ${MAX_LIST_LIMIT})`, integerOption(1, MAX_LIST_LIMIT))
    .action(run((admin, o: { org: string; limit?: number }) => admin.outbox(o.org, o.limit)));

  program
    .command("keys")
    .description("token signing keys")
    .command("rotate")
    .description("make a new signing key current; tokens signed by older keys stay valid until they expire")
    .action(run((admin) => admin.rotateSigningKey()));

  program
    .command("seed-cases")
    .description("bulk-load N bare cases into a firm (for benchmarks)")
    .requiredOption("--org <orgId>", "the firm")
    .requiredOption("--count <n>", "how many", integerOption(1, 10_000_000))
    .action(run((admin, o: { org: string; count: number }) => admin.seedCases(o.org, o.count)));

  return program;
}

async function main(): Promise<void> {
  const program = buildCli(async () => {
    const config = configFromEnv(process.env);
    const store = await openStore(storeOptionsFrom(config));
    return { admin: new FirmAdmin(store), store };
  });
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    // Commander has printed its one line (or the help, asked for): exit 0 for help, 2 for a usage error.
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE);
    // Bad input gets its message, naming flags (a usage error too); anything else a short one (the store's path,
    // a locked database...) and exit 1.
    const message = e instanceof AdminInputError ? e.naming(flagOf) : String((e as Error)?.message ?? e);
    process.stderr.write(`error: ${message}\n`);
    process.exit(e instanceof AdminInputError ? EXIT_USAGE : 1);
  }
}

await main();
