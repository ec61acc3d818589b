// What every check is given: the typed client, the tokens fetched up front, the shared fixtures (created once,
// on first use), the run id, and assertions that record a failure together with the exchange that shows it.
import { randomBytes } from "node:crypto";
import type { components } from "../../generated/schema.d.ts";
import { CheckFailure } from "./check.ts";
import { call, type Api, type CallResult, type ConformanceClient, type Exchange, type Scope } from "./client.ts";
import { stopAfter, unreachable } from "./setup-stop.ts";
import type { SuiteSpec } from "./spec.ts";
import { absentIds, validParts } from "./requests.ts";
import { ValueFactory } from "./values.ts";

type TokenResponse = components["schemas"]["SystemTokenResponse"];
type CaseResponse = components["schemas"]["CaseResponse"];
type PartyResponse = components["schemas"]["PartyResponse"];
type PartyInput = components["schemas"]["PartyInput"];
type CreateCaseRequest = components["schemas"]["CreateCaseRequest"];

export interface SuiteOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Skip every check that writes (for production smoke checks). */
  readOnly: boolean;
  /** The most pages any list walk may fetch. */
  maxPages: number;
  /** Run the checks tagged slow (a token outliving its lifetime, the failure limit, a case's party limit). */
  slow: boolean;
  /**
   * The target answers with the spec's examples (the Prism mock): error codes and echoed values carry no meaning,
   * and a request that breaks the contract may get any documented 4xx.
   */
  exampleAnswers: boolean;
}

/** The lifetime asked for by the one token that does not take the default. */
export const SHORT_LIFETIME_SECONDS = 300;
/** The pair of scopes asked for together, to show narrowing to two. */
export const SCOPE_PAIR: Scope[] = ["cases.create", "users.list"];

export interface IssuedToken {
  scopes: Scope[];
  expiresInSeconds?: number;
  /** Unix seconds when the exchange was sent. */
  sentAt: number;
  result: CallResult<TokenResponse>;
}

const tokenKey = (scopes: readonly Scope[]) => [...scopes].sort().join(" ");

/** Every token the suite uses, fetched before any deliberate credential failure. */
export class TokenBook {
  private readonly issued = new Map<string, IssuedToken>();

  static async fetchAll(client: ConformanceClient, options: SuiteOptions, spec: SuiteSpec): Promise<TokenBook> {
    const book = new TokenBook();
    const all = spec.scopes;
    const sets: { scopes: Scope[]; expiresInSeconds?: number }[] = [
      { scopes: all },
      { scopes: SCOPE_PAIR, expiresInSeconds: SHORT_LIFETIME_SECONDS },
      ...all.map((scope) => ({ scopes: [scope] })),
      ...all.map((scope) => ({ scopes: all.filter((s) => s !== scope) })),
    ];
    for (const { scopes, expiresInSeconds } of sets) {
      const sentAt = Math.floor(Date.now() / 1000);
      const pending = client.api.POST("/v1/microapps/system-tokens", {
        body: {
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          scopes,
          ...(expiresInSeconds ? { expiresInSeconds } : {}),
        },
      });
      const result = await call(client, pending).catch((error: unknown) => {
        throw unreachable(options.baseUrl, error, spec);
      });
      // A refused secret stops at once: every further exchange would spend the failure budget for nothing.
      const stop = stopAfter(result, options.baseUrl, spec);
      if (stop) throw stop;
      book.issued.set(tokenKey(scopes), { scopes, expiresInSeconds, sentAt, result });
    }
    return book;
  }

  get(scopes: readonly Scope[]): IssuedToken {
    const token = this.issued.get(tokenKey(scopes));
    if (!token) throw new Error(`the suite fetches no token for [${scopes.join(", ")}]: add it to TokenBook.fetchAll`);
    return token;
  }

  all(): IssuedToken[] {
    return [...this.issued.values()];
  }
}

export interface CaseFixture {
  caseId: string;
  matterRef: string;
  result: CallResult<CaseResponse>;
}

export interface PartyFixture {
  partyId: string;
  input: PartyInput;
  result: CallResult<PartyResponse>;
}

/** Shared by all checks of one run. */
export class RunState {
  readonly runId =
    `conformance-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
  /**
   * Where this run's invites go, fresh for each run: a server limits invites per destination (a mobile number in the
   * reserved 07700 900xxx range, an address at example.com), so runs must not share one.
   */
  readonly destinations = {
    email: `jordan+${this.runId}@example.com`,
    mobile: `+447700900${String(randomBytes(2).readUInt16BE() % 1000).padStart(3, "0")}`,
  };
  private readonly memo = new Map<string, Promise<unknown>>();
  private refCounter = 0;
  /** Valid request values from the spec; the credentials are the suite's, never generated. */
  readonly values: ValueFactory;

  constructor(
    readonly spec: SuiteSpec,
    readonly client: ConformanceClient,
    readonly options: SuiteOptions,
    readonly tokens: TokenBook,
  ) {
    this.values = new ValueFactory(spec, this.runId, {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
    });
  }

  /** A matterRef no other run and no real data can have: it carries the run id. */
  matterRef(label: string): string {
    this.refCounter += 1;
    return `${this.runId}-${label}-${this.refCounter}`;
  }

  /** Runs `create` once per run; later callers share its result (or its failure). */
  once<T>(key: string, create: () => Promise<T>): Promise<T> {
    if (!this.memo.has(key)) this.memo.set(key, create());
    return this.memo.get(key) as Promise<T>;
  }
}

export interface Failure {
  message: string;
  exchange?: Exchange;
}

export class CheckContext {
  readonly failures: Failure[] = [];

  constructor(private readonly state: RunState) {}

  get api(): Api {
    return this.state.client.api;
  }
  /** The contract this run holds the target to. */
  get spec(): SuiteSpec {
    return this.state.spec;
  }
  get options(): SuiteOptions {
    return this.state.options;
  }
  get tokens(): TokenBook {
    return this.state.tokens;
  }
  get runId(): string {
    return this.state.runId;
  }
  get values(): ValueFactory {
    return this.state.values;
  }

  matterRef(label: string): string {
    return this.state.matterRef(label);
  }

  /** Runs `create` once per run; later callers share its result (or its failure). */
  once<T>(key: string, create: () => Promise<T>): Promise<T> {
    return this.state.once(key, create);
  }

  call<D>(pending: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<CallResult<D>> {
    return call(this.state.client, pending);
  }

  /** The access token for exactly these scopes, fetched up front; stops the check if there is none. */
  accessToken(scopes: readonly Scope[]): string {
    const { result } = this.tokens.get(scopes);
    if (result.status === 429) {
      const wait = result.exchange.response?.headers["retry-after"];
      throw new CheckFailure(
        `no token for [${scopes.join(", ")}]: 429, this address has reached the failure limit for this clientId (each run makes one failed exchange); retry in ${wait ?? "?"} s`,
      );
    }
    if (result.status !== 200 || !result.data?.accessToken) {
      throw new CheckFailure(`no token for [${scopes.join(", ")}]: the exchange answered ${describe(result)}`);
    }
    return result.data.accessToken;
  }

  /** `Authorization: Bearer` headers for a token holding exactly these scopes. */
  bearer(scopes: readonly Scope[] = this.spec.scopes): { Authorization: string } {
    return { Authorization: `Bearer ${this.accessToken(scopes)}` };
  }

  /** `Authorization: Bearer` headers for a token holding just the one scope this operation needs. */
  bearerFor(operationId: string): { Authorization: string } {
    return this.bearer([this.spec.scopeOf(operationId)]);
  }

  /** Records a failure and goes on. */
  expect(condition: boolean, message: string, exchange?: Exchange): boolean {
    if (!condition) this.failures.push({ message, exchange });
    return condition;
  }

  /** Stops the check if the condition does not hold. */
  require(condition: boolean, message: string, exchange?: Exchange): void {
    if (!condition) throw new CheckFailure(message, exchange);
  }

  /** The status (and, where the answers mean something, the error code) is the one the rule says. */
  expectAnswer(what: string, result: CallResult, status: number, code?: string): boolean {
    const codeMatters = code !== undefined && !this.options.exampleAnswers;
    const ok = result.status === status && (!codeMatters || result.error?.error?.code === code);
    return this.expect(
      ok,
      `${what}: expected ${status}${codeMatters ? ` ${code}` : ""}, got ${describe(result)}`,
      result.exchange,
    );
  }

  /**
   * A request that breaks the contract gets the documented 4xx (400 invalid_request unless said otherwise), never
   * a 2xx or 5xx. Against example answers any 4xx passes: Prism answers with whichever documented one it picks.
   */
  expectRejected(what: string, result: CallResult, status = 400, code = "invalid_request"): boolean {
    if (this.options.exampleAnswers) {
      return this.expect(
        result.status >= 400 && result.status < 500,
        `${what}: expected a documented 4xx, got ${describe(result)}`,
        result.exchange,
      );
    }
    return this.expectAnswer(what, result, status, code);
  }

  /**
   * The smallest valid createCase body: the spec's required fields with valid values (its example first), and a
   * matterRef labelled for this run. Checks that create bare cases use it, so a field the spec makes required
   * reaches them through the spec, not through each check.
   */
  caseBody(label: string): CreateCaseRequest {
    const op = this.spec.contract.operation("createCase");
    const full = validParts(this.values, op, absentIds(this)).body as Record<string, unknown>;
    const required = this.spec.read(op.requestSchema).required ?? [];
    const body = Object.fromEntries(Object.entries(full).filter(([key]) => required.includes(key)));
    // The parts were built from the spec's request schema: that makes the body a CreateCaseRequest.
    return { ...body, matterRef: this.matterRef(label) } as CreateCaseRequest;
  }

  /** The case every stateful check builds on: created once per run, with one party that has email and mobile. */
  caseFixture(): Promise<CaseFixture> {
    return this.state.once("case", async () => {
      const matterRef = this.matterRef("fixture");
      const result = await this.call(
        this.api.POST("/v1/cases", {
          headers: this.bearerFor("createCase"),
          body: {
            matterRef,
            matterType: "Purchase",
            propertyAddress: { line1: "1 High Street", city: "London", postcode: "SW1A 1AA" },
            requireSof: true,
            parties: [
              {
                name: "Alex Client",
                email: this.state.values.email(),
                mobile: this.state.values.mobile(),
                role: "Buyer",
                partyType: "individual",
                isPrimaryContact: true,
              },
            ],
          },
        }),
      );
      if (result.status !== 201 || !result.data?.caseId)
        throw new CheckFailure(`could not create the shared case: got ${describe(result)}`, result.exchange);
      return { caseId: result.data.caseId, matterRef, result };
    });
  }

  /** A party added to the shared case, once per run for each kind. */
  partyFixture(kind: "emailAndMobile" | "emailOnly" | "mobileOnly"): Promise<PartyFixture> {
    return this.state.once(`party:${kind}`, async () => {
      const { caseId } = await this.caseFixture();
      const input: PartyInput = {
        name: `Jordan ${kind}`,
        role: "Seller",
        partyType: "individual",
        ...(kind !== "mobileOnly" ? { email: this.state.destinations.email } : {}),
        ...(kind !== "emailOnly" ? { mobile: this.state.destinations.mobile } : {}),
      };
      const result = await this.call(
        this.api.POST("/v1/cases/{caseId}/parties", {
          params: { path: { caseId } },
          headers: this.bearerFor("addParty"),
          body: input,
        }),
      );
      if (result.status !== 201 || !result.data?.partyId)
        throw new CheckFailure(
          `could not add a ${kind} party to the shared case: got ${describe(result)}`,
          result.exchange,
        );
      return { partyId: result.data.partyId, input, result };
    });
  }
}

/** `201`, or `409 duplicate_matter_ref`, or `500 (not JSON)`: a short account of an answer. */
export function describe(result: CallResult): string {
  const code = result.error?.error?.code;
  if (typeof code === "string") return `${result.status} ${code}`;
  return String(result.status);
}
