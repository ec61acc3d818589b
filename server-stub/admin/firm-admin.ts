// What a firm admin can do in "Firm -> Apps & API access", over the store. The admin CLI, npm start's demo
// seeding and the tests all go through these functions, so input rules live in one place.
import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { isCanonicalCidr, parseAddress, parseCidr, rateLimitSource } from "../auth/ip-ranges.ts";
import { hashSecret, newClientSecret } from "../auth/secrets.ts";
import { SigningKeys } from "../auth/signing-keys.ts";
import { loadContract } from "../../contract/index.ts";
import type { ValueChecks } from "../../contract/value-checks.ts";
import { insertAdminAudit, listAudit, type AuditEntry } from "../store/audit.ts";
import { insertSeedCases, listMatterRefs } from "../store/cases.ts";
import { UniqueViolation } from "../store/constraint-errors.ts";
import { refreshStatistics, type Store } from "../store/database.ts";
import { findFirm, insertFirm, insertUser, updateFirmScopes, type Firm, type User } from "../store/firms.ts";
import {
  findIntegration,
  insertIntegration,
  listAllowedIpRanges,
  listIntegrations,
  updateIntegration,
  type Integration,
} from "../store/integrations.ts";
import { INVISIBLE_CHARACTERS } from "../free-text.ts";
import { listOutbox, type OutboxMessage } from "../store/outbox.ts";
import { clearFailures } from "../store/token-failures.ts";

const FIELD = /\{([A-Za-z]+)\}/g;

/**
 * Bad input from the admin. The message names input fields in braces ("{graceSeconds} must be 0 to 86400"):
 * `message` says the field's name ("graceSeconds must be..."), and the CLI says its flag instead (`naming`).
 */
export class AdminInputError extends Error {
  constructor(private readonly template: string) {
    super(template.replace(FIELD, "$1"));
  }

  /** The message with each field called what `name` says. */
  naming(name: (field: string) => string): string {
    return this.template.replace(FIELD, (_, field: string) => name(field));
  }
}

export const MAX_LIST_LIMIT = 100_000;
export const DEFAULT_LIST_LIMIT = 1000;

/** An integration as the admin sees it: never the secret or its hash. */
export interface IntegrationView {
  appId: string;
  orgId: string;
  identifier: string;
  scopes: string[];
  allowedIpRanges: string[];
  disabled: boolean;
  createdAt: string;
}

function view(i: Integration): IntegrationView {
  return {
    appId: i.appId,
    orgId: i.orgId,
    identifier: i.identifier,
    scopes: i.scopes,
    allowedIpRanges: i.allowedIpRanges,
    disabled: i.disabledAt !== null,
    createdAt: i.createdAt,
  };
}

function checkScopes(scopes: readonly string[]): string[] {
  const known = loadContract().scopeNames;
  const unknown = scopes.filter((s) => !known.includes(s));
  if (unknown.length > 0)
    throw new AdminInputError(`{scopes}: unknown scope(s) ${unknown.join(", ")}; known: ${known.join(", ")}`);
  return [...new Set(scopes)];
}

function checkRanges(ranges: string[]): string[] {
  if (ranges.length === 0) throw new AdminInputError("{allowedIpRanges} must name at least one CIDR");
  const bad = ranges.filter((r) => parseCidr(r) === null);
  if (bad.length > 0)
    throw new AdminInputError(
      `{allowedIpRanges}: invalid CIDR(s) ${bad.join(", ")}: standard text only, dotted-quad IPv4 in plain decimal or IPv6 (for example 127.0.0.0/8, ::1/128)`,
    );
  return ranges;
}

let valueChecks: Promise<ValueChecks> | undefined;

/**
 * Checks an input the API later answers with against the schema that answer uses (the contract's own, with its
 * formats), so that nothing the admin stores can make a response break the spec.
 */
async function checkValue(field: string, schemaPointer: string, value: string): Promise<string> {
  // Ajv is loaded at the first check: every admin CLI call and npm start load this module, few check a value.
  valueChecks ??= import("../../contract/value-checks.ts").then(({ ValueChecks }) => new ValueChecks(loadContract()));
  const problem = (await valueChecks).problem(schemaPointer, value);
  if (problem !== undefined) {
    throw new AdminInputError(`invalid {${field}} ${JSON.stringify(value)}: ${problem} (${schemaPointer})`);
  }
  return value;
}

const SCHEMA = {
  firmName: "#/components/schemas/FreeText",
  userName: "#/components/schemas/User/properties/name",
  email: "#/components/schemas/User/properties/email",
  role: "#/components/schemas/User/properties/role",
  identifier: "#/components/schemas/Principal/properties/identifier",
} as const;

export function checkLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIST_LIMIT) {
    throw new AdminInputError(`{limit} must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  return value;
}

export class FirmAdmin {
  constructor(private readonly store: Store) {}

  private async firm(orgId: string): Promise<Firm> {
    const firm = await findFirm(this.store.db, orgId);
    if (!firm) throw new AdminInputError(`no firm with orgId ${orgId}`);
    return firm;
  }

  private async integration(appId: string): Promise<Integration> {
    const integration = await findIntegration(this.store.db, appId);
    if (!integration) throw new AdminInputError(`no integration with appId ${appId}`);
    return integration;
  }

  async createFirm(input: { name: string; scopes?: string[] }): Promise<Firm> {
    const scopes = checkScopes(input.scopes ?? loadContract().scopeNames);
    const name = await checkValue("name", SCHEMA.firmName, input.name);
    return this.store.write((trx) => insertFirm(trx, { name, scopes, now: new Date() }));
  }

  /**
   * Sets the scopes a firm enables (`scopes`), or adds to them (`addScopes`: how a scope new to the catalogue
   * reaches an existing firm); writes an admin audit row.
   */
  async updateFirm(input: { orgId: string; scopes?: string[]; addScopes?: string[] }): Promise<Firm> {
    const added = checkScopes(input.addScopes ?? []);
    if (input.scopes === undefined && added.length === 0)
      throw new AdminInputError("nothing to update: give {scopes} and/or {addScopes}");
    const replaced = input.scopes && checkScopes(input.scopes);
    await this.firm(input.orgId);
    await this.store.write(async (trx) => {
      const current = replaced ?? (await findFirm(trx, input.orgId))?.scopes ?? [];
      await updateFirmScopes(trx, input.orgId, [...new Set([...current, ...added])]);
      const operator = userInfo().username;
      await insertAdminAudit(
        trx,
        { orgId: input.orgId, action: "firm.scopes_changed", targetId: input.orgId, operator },
        new Date(),
      );
    });
    return this.firm(input.orgId);
  }

  async addUser(input: { orgId: string; name: string; email: string; role: string }): Promise<User> {
    await this.firm(input.orgId);
    const user = {
      name: await checkValue("name", SCHEMA.userName, input.name),
      email: await checkValue("email", SCHEMA.email, input.email),
      role: await checkValue("role", SCHEMA.role, input.role),
    };
    return this.store.write((trx) =>
      insertUser(trx, {
        orgId: input.orgId,
        ...user,
        now: new Date(),
      }),
    );
  }

  async createIntegration(input: {
    orgId: string;
    identifier: string;
    scopes: string[];
    allowedIpRanges: string[];
  }): Promise<IntegrationView & { clientSecret: string }> {
    await this.firm(input.orgId);
    const identifier = await checkValue("identifier", SCHEMA.identifier, input.identifier);
    const clientSecret = newClientSecret();
    const integration: Integration = {
      appId: randomUUID(),
      orgId: input.orgId,
      identifier,
      scopes: checkScopes(input.scopes),
      allowedIpRanges: checkRanges(input.allowedIpRanges),
      secretHash: hashSecret(clientSecret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      tokensValidFrom: null,
      disabledAt: null,
      createdAt: new Date().toISOString(),
    };
    try {
      await this.store.write((trx) => insertIntegration(trx, integration));
    } catch (e) {
      if (e instanceof UniqueViolation && e.constraint === "integrations_org_identifier_unique")
        throw new AdminInputError(`the firm already has an integration with {identifier} ${integration.identifier}`);
      throw e;
    }
    return { ...view(integration), clientSecret };
  }

  async updateIntegration(input: {
    appId: string;
    scopes?: string[];
    /** Added to the integration's scopes (or to `scopes`). */
    addScopes?: string[];
    allowedIpRanges?: string[];
  }): Promise<IntegrationView> {
    if (input.scopes === undefined && input.addScopes === undefined && input.allowedIpRanges === undefined) {
      throw new AdminInputError("nothing to update: give {scopes} and/or {allowedIpRanges}");
    }
    const current = await this.integration(input.appId);
    const scopes =
      input.scopes === undefined && input.addScopes === undefined
        ? undefined
        : checkScopes([...(input.scopes ?? current.scopes), ...(input.addScopes ?? [])]);
    const changes = {
      scopes,
      allowedIpRanges: input.allowedIpRanges && checkRanges(input.allowedIpRanges),
    };
    await this.store.write((trx) => updateIntegration(trx, input.appId, changes));
    return view(await this.integration(input.appId));
  }

  /**
   * A new secret, valid at once; the old one stops working now, or after graceSeconds. With revokeTokens, every
   * token issued up to the end of this second stops working too (401 token_revoked).
   */
  async rotateSecret(input: {
    appId: string;
    graceSeconds?: number;
    revokeTokens?: boolean;
  }): Promise<{ appId: string; clientSecret: string }> {
    const grace = input.graceSeconds ?? 0;
    if (!Number.isInteger(grace) || grace < 0 || grace > 86_400)
      throw new AdminInputError("{graceSeconds} must be 0 to 86400");
    const current = await this.integration(input.appId);
    const clientSecret = newClientSecret();
    await this.store.write((trx) =>
      updateIntegration(trx, input.appId, {
        secretHash: hashSecret(clientSecret),
        previousSecretHash: grace > 0 ? current.secretHash : null,
        previousSecretExpiresAt: grace > 0 ? Date.now() + grace * 1000 : null,
        // Token iat is in whole seconds: a token of this second may predate the rotation, so it goes too.
        ...(input.revokeTokens ? { tokensValidFrom: Math.floor(Date.now() / 1000) + 1 } : {}),
      }),
    );
    return { appId: input.appId, clientSecret };
  }

  async disableIntegration(appId: string): Promise<IntegrationView> {
    await this.integration(appId);
    await this.store.write((trx) => updateIntegration(trx, appId, { disabledAt: new Date().toISOString() }));
    return view(await this.integration(appId));
  }

  /** Undoes disable: the integration's unexpired tokens and its secret work again. */
  async enableIntegration(appId: string): Promise<IntegrationView> {
    await this.integration(appId);
    await this.store.write((trx) => updateIntegration(trx, appId, { disabledAt: null }));
    return view(await this.integration(appId));
  }

  /**
   * Integrations with allowed ranges stored before ranges had to be standard text (010.0.0.0/8): those ranges match
   * nothing until `integration update` rewrites them. npm start reports them.
   */
  async nonCanonicalRanges(): Promise<{ appId: string; ranges: string[] }[]> {
    return (await listAllowedIpRanges(this.store.db))
      .map((i) => ({ appId: i.appId, ranges: i.allowedIpRanges.filter((r) => !isCanonicalCidr(r)) }))
      .filter((i) => i.ranges.length > 0);
  }

  /**
   * Cases whose matterRefs differ only in what the API no longer accepts or tells apart (NFC form, surrounding
   * whitespace, control and format characters, separators, lone surrogates), in groups per firm. Such cases
   * written before 1.1.0 are kept as they are; new input cannot make more.
   */
  async lookalikeMatterRefs(
    orgId?: string,
  ): Promise<{ orgId: string; folded: string; cases: { caseId: string; matterRef: string }[] }[]> {
    if (orgId !== undefined) await this.firm(orgId);
    const groups = new Map<string, { orgId: string; folded: string; cases: { caseId: string; matterRef: string }[] }>();
    for (const c of await listMatterRefs(this.store.db, orgId)) {
      const folded = c.matterRef.normalize("NFC").replace(INVISIBLE_CHARACTERS, "").trim();
      const key = `${c.orgId}\n${folded}`;
      const group = groups.get(key) ?? { orgId: c.orgId, folded, cases: [] };
      group.cases.push({ caseId: c.caseId, matterRef: c.matterRef });
      groups.set(key, group);
    }
    return [...groups.values()].filter((g) => g.cases.length > 1);
  }

  /**
   * Clears a lockout: forgets the failed token exchanges counted against the integration (from every address)
   * and, given an address, every failure from that address; writes an admin audit row.
   */
  async unlockIntegration(input: { appId: string; address?: string }): Promise<{
    appId: string;
    address: string | null;
    failuresCleared: number;
  }> {
    const integration = await this.integration(input.appId);
    if (input.address !== undefined && !parseAddress(input.address))
      throw new AdminInputError("{address} must be an IPv4 or IPv6 address");
    const source = input.address === undefined ? undefined : rateLimitSource(input.address);
    const failuresCleared = await this.store.write(async (trx) => {
      const cleared = await clearFailures(trx, input.appId, source);
      const operator = userInfo().username;
      await insertAdminAudit(
        trx,
        { orgId: integration.orgId, action: "integration.unlocked", targetId: input.appId, operator },
        new Date(),
      );
      return cleared;
    });
    return { appId: input.appId, address: input.address ?? null, failuresCleared };
  }

  async listIntegrations(orgId: string): Promise<IntegrationView[]> {
    await this.firm(orgId);
    return (await listIntegrations(this.store.db, orgId)).map(view);
  }

  async audit(orgId: string, limit?: number): Promise<AuditEntry[]> {
    await this.firm(orgId);
    return listAudit(this.store.db, orgId, checkLimit(limit));
  }

  async outbox(orgId: string, limit?: number): Promise<OutboxMessage[]> {
    await this.firm(orgId);
    return listOutbox(this.store.db, orgId, checkLimit(limit));
  }

  async rotateSigningKey(): Promise<{ kid: string }> {
    return { kid: await new SigningKeys(this.store).rotate() };
  }

  async seedCases(orgId: string, count: number): Promise<{ orgId: string; created: number }> {
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000)
      throw new AdminInputError("{count} must be 1 to 10000000");
    await this.firm(orgId);
    const batch = randomUUID().slice(0, 8);
    // Several short transactions rather than one long one, so a running server's writes are not held up.
    const perTransaction = 10_000;
    for (let first = 1; first <= count; first += perTransaction) {
      const rows = Math.min(perTransaction, count - first + 1);
      await this.store.write((trx) =>
        insertSeedCases(trx, { orgId, batch, first, count: rows, appId: "seed-cases" }, new Date()),
      );
    }
    await refreshStatistics(this.store, "cases");
    return { orgId, created: count };
  }
}
