// The limits the spec states, reached on purpose with what the run itself creates: a party's and a destination's
// daily invites (the RateLimit header of each answer says how many remain, so the suite needs no number of its
// own), a case's parties and the token exchange's failure limit (slow: they spend more, run with --slow).
import { randomUUID } from "node:crypto";
import { CheckNotApplicable, type Check } from "../check.ts";
import type { CallResult } from "../client.ts";
import type { CheckContext } from "../context.ts";
import { sendValid } from "../requests.ts";

/** The most requests a limit check spends before it says the target's limit is beyond it. */
const MOST_REQUESTS = 60;
/** A slow check's allowance (a case's parties). */
const MOST_SLOW_REQUESTS = 2_000;

/** `remaining` of a `RateLimit: limit=5, remaining=4, reset=86400` header, or undefined. */
function remaining(result: CallResult): number | undefined {
  const match = /remaining=(\d+)/.exec(result.exchange.response?.headers.ratelimit ?? "");
  return match ? Number(match[1]) : undefined;
}

async function newCase(ctx: CheckContext): Promise<string> {
  const created = await ctx.call(
    ctx.api.POST("/v1/cases", { headers: ctx.bearerFor("createCase"), body: ctx.caseBody("limit") }),
  );
  ctx.require(
    created.status === 201 && !!created.data,
    `could not create a case: got ${created.status}`,
    created.exchange,
  );
  return created.data!.caseId;
}

async function addParty(ctx: CheckContext, caseId: string, email: string): Promise<CallResult<{ partyId: string }>> {
  return ctx.call(
    ctx.api.POST("/v1/cases/{caseId}/parties", {
      params: { path: { caseId } },
      headers: ctx.bearerFor("addParty"),
      body: { name: "Limit Party", email },
    }),
  );
}

function invite(ctx: CheckContext, caseId: string, partyId: string) {
  return ctx.call(
    ctx.api.POST("/v1/cases/{caseId}/invites", {
      params: { path: { caseId } },
      headers: ctx.bearerFor("sendInvite"),
      body: { partyId, sendSms: false },
    }),
  );
}

/** Sends until an answer is not 201 or the header says none remain and one more was sent; returns the last answer. */
async function untilRefused(ctx: CheckContext, send: () => Promise<CallResult>, most: number): Promise<CallResult> {
  for (let i = 0; i < most; i++) {
    const result = await send();
    if (result.status !== 201) return result;
    if (remaining(result) === undefined)
      throw new CheckNotApplicable("the answer states no RateLimit: the suite cannot tell how far the limit is");
  }
  throw new CheckNotApplicable(`the limit was not met within ${most} requests; this check spends no more`);
}

/** A limit's refusal: the 429 with its code, and the Retry-After that says when to come back. */
function expectLimited(ctx: CheckContext, what: string, result: CallResult, code: string): void {
  if (ctx.expectAnswer(what, result, 429, code))
    ctx.expect(
      !!result.exchange.response?.headers["retry-after"],
      `${what}: the 429 has no Retry-After`,
      result.exchange,
    );
}

const partyInviteLimit: Check = {
  id: "invites.party-limit",
  title: "the invite after a party's daily limit (read from RateLimit) is 429 invite_limit_reached with Retry-After",
  rule: "#/paths/~1v1~1cases~1{caseId}~1invites/post/responses/429 (invite_limit_reached)",
  rules: ["invite-limit-party"],
  tags: ["stateful", "writes"],
  async run(ctx) {
    const caseId = await newCase(ctx);
    const party = await addParty(ctx, caseId, ctx.values.email());
    ctx.require(party.status === 201 && !!party.data, `could not add a party: got ${party.status}`, party.exchange);
    const refused = await untilRefused(ctx, () => invite(ctx, caseId, party.data!.partyId), MOST_REQUESTS);
    expectLimited(ctx, "the invite after the party's limit", refused, "invite_limit_reached");
  },
};

const destinationInviteLimit: Check = {
  id: "invites.destination-limit",
  title:
    "parties sharing one email address (cased differently) get one invite each until the destination's limit: the next is 429 destination_limit_reached",
  rule: "#/paths/~1v1~1cases~1{caseId}~1invites/post/responses/429 (destination_limit_reached)",
  rules: ["invite-limit-destination"],
  tags: ["stateful", "writes"],
  async run(ctx) {
    const caseId = await newCase(ctx);
    const shared = ctx.values.email();
    let turn = 0;
    const refused = await untilRefused(
      ctx,
      async () => {
        turn += 1;
        const email = turn % 2 === 0 ? shared.toUpperCase() : shared;
        const party = await addParty(ctx, caseId, email);
        ctx.require(party.status === 201 && !!party.data, `could not add a party: got ${party.status}`, party.exchange);
        return invite(ctx, caseId, party.data!.partyId);
      },
      MOST_REQUESTS,
    );
    expectLimited(ctx, "an invite after the destination's limit", refused, "destination_limit_reached");
  },
};

const partyLimit: Check = {
  id: "parties.limit",
  title: "adding parties to one case until it is full: the next is 422 party_limit_reached",
  rule: "#/components/responses/UnprocessableEntity (party_limit_reached)",
  rules: ["party-limit"],
  tags: ["stateful", "writes", "slow"],
  async run(ctx) {
    const caseId = await newCase(ctx);
    for (let i = 0; i < MOST_SLOW_REQUESTS; i++) {
      const result = await addParty(ctx, caseId, ctx.values.email());
      if (result.status === 201) continue;
      ctx.expectAnswer("the party after the case's limit", result, 422, "party_limit_reached");
      return;
    }
    throw new CheckNotApplicable(`a case took ${MOST_SLOW_REQUESTS} parties without reaching its limit`);
  },
};

const failureLimit: Check = {
  id: "token.failure-limit",
  title:
    "failed exchanges for one unknown clientId reach the failure limit: the next is 429 rate_limited with Retry-After",
  rule: "#/paths/~1v1~1microapps~1system-tokens/post/responses/429 (rate_limited)",
  rules: ["failure-limit"],
  tags: ["stateful", "slow"],
  async run(ctx) {
    // An unknown clientId, never the run's: the limit it reaches locks out no real integration.
    const clientId = randomUUID();
    for (let i = 0; i < MOST_REQUESTS; i++) {
      const result = await ctx.call(
        ctx.api.POST("/v1/microapps/system-tokens", {
          body: { clientId, clientSecret: `wrong-${ctx.runId}`, scopes: ["users.list"] },
        }),
      );
      if (result.status === 401) continue;
      expectLimited(ctx, "the exchange after the failure limit", result, "rate_limited");
      return;
    }
    throw new CheckNotApplicable(`${MOST_REQUESTS} failed exchanges did not reach the failure limit`);
  },
};

const tokenExpiry: Check = {
  id: "token.expiry",
  title:
    "a token used after its expiresAt (the shortest lifetime, 60 s) is 401 token_expired on every scoped operation",
  rule: "#/components/responses/Unauthorized (token_expired)",
  rules: ["token-expired"],
  tags: ["stateful", "slow"],
  async run(ctx) {
    const exchange = await ctx.call(
      ctx.api.POST("/v1/microapps/system-tokens", {
        body: {
          clientId: ctx.options.clientId,
          clientSecret: ctx.options.clientSecret,
          scopes: ["users.list"],
          expiresInSeconds: 60,
        },
      }),
    );
    ctx.require(
      exchange.status === 200 && !!exchange.data,
      `no short token: got ${exchange.status}`,
      exchange.exchange,
    );
    const waitMs = exchange.data!.expiresAt * 1000 - Date.now() + 2_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
    const expired = { Authorization: `Bearer ${exchange.data!.accessToken}` };
    // The rule holds for every operation that needs a token, whatever scope it needs.
    for (const op of ctx.spec.contract.operations.filter((o) => o.scope))
      ctx.expectAnswer(`${op.operationId} after expiresAt`, await sendValid(ctx, op, expired), 401, "token_expired");
  },
};

export const limitChecks: Check[] = [partyInviteLimit, destinationInviteLimit, partyLimit];
/** Run after every exchange that must succeed: the failure limit counts against this address. */
export const slowTokenChecks: Check[] = [tokenExpiry, failureLimit];
