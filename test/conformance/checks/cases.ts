// Cases, parties and invites: the stateful flows.
import type { Check } from "../check.ts";
import { absentIds } from "../requests.ts";

const CASES = "#/paths/~1v1~1cases/post";
const PARTIES = "#/paths/~1v1~1cases~1{caseId}~1parties/post";
const INVITES = "#/paths/~1v1~1cases~1{caseId}~1invites/post";

const createCase: Check = {
  id: "cases.create",
  rules: ["case-created"],
  title: "creating a case with a party is 201 with caseId, status NotStarted and the party, not yet invited",
  rule: `${CASES}/responses/201 (CaseResponse)`,
  tags: ["writes"],
  async run(ctx) {
    const { result } = await ctx.caseFixture();
    const data = result.data!;
    ctx.expect(result.exchange.violations.length === 0, "the response breaks the contract", result.exchange);
    ctx.expect(data.status === "NotStarted", `status is ${JSON.stringify(data.status)}`, result.exchange);
    ctx.expect(data.parties?.length === 1, `one party was sent, ${data.parties?.length} came back`, result.exchange);
    ctx.expect(
      data.parties?.[0]?.name === "Alex Client",
      `the party's name came back as ${JSON.stringify(data.parties?.[0]?.name)}`,
      result.exchange,
    );
    ctx.expect(
      data.parties?.[0]?.clientAccessStatus === "not_sent",
      `a new party's clientAccessStatus is ${JSON.stringify(data.parties?.[0]?.clientAccessStatus)}`,
      result.exchange,
    );
  },
};

const createCaseParties: Check = {
  id: "cases.create-parties",
  rules: ["case-created"],
  title: "a case created with no parties lists none; one created with two lists both, in order, with distinct partyIds",
  rule: `${CASES} (parties are created in the same transaction as the case)`,
  tags: ["stateful", "writes"],
  async run(ctx) {
    const auth = ctx.bearerFor("createCase");
    const none = await ctx.call(ctx.api.POST("/v1/cases", { headers: auth, body: ctx.caseBody("no-parties") }));
    if (ctx.expectAnswer("a case without parties", none, 201)) {
      ctx.expect(none.data?.parties?.length === 0, `parties is ${JSON.stringify(none.data?.parties)}`, none.exchange);
    }
    const names = ["Riley Buyer", "Casey Company Ltd"];
    const two = await ctx.call(
      ctx.api.POST("/v1/cases", {
        headers: auth,
        body: {
          ...ctx.caseBody("two-parties"),
          parties: [
            { name: names[0], email: "riley@example.com", role: "Buyer" },
            { name: names[1], partyType: "company", role: "Seller" },
          ],
        },
      }),
    );
    if (ctx.expectAnswer("a case with two parties", two, 201)) {
      const parties = two.data?.parties ?? [];
      ctx.expect(
        JSON.stringify(parties.map((p) => p.name)) === JSON.stringify(names),
        `party names came back as ${JSON.stringify(parties.map((p) => p.name))}`,
        two.exchange,
      );
      ctx.expect(
        new Set(parties.map((p) => p.partyId)).size === parties.length,
        "two parties share a partyId",
        two.exchange,
      );
      ctx.expect(two.data?.caseId !== none.data?.caseId, "two cases share a caseId", two.exchange);
    }
  },
};

const duplicateMatterRef: Check = {
  id: "cases.duplicate-matter-ref",
  rules: ["matter-ref-unique"],
  title: "a second case with the same matterRef in the same firm is 409 duplicate_matter_ref",
  rule: `${CASES}/responses/409 (duplicate_matter_ref)`,
  tags: ["stateful", "writes"],
  async run(ctx) {
    const { matterRef } = await ctx.caseFixture();
    const again = await ctx.call(
      ctx.api.POST("/v1/cases", {
        headers: ctx.bearerFor("createCase"),
        body: { ...ctx.caseBody("duplicate"), matterRef },
      }),
    );
    ctx.expectAnswer("the same matterRef again", again, 409, "duplicate_matter_ref");
  },
};

const unknownCase: Check = {
  id: "cases.unknown-case",
  rules: ["case-not-found", "invite-unknown-target"],
  title: "adding a party to or inviting on a case that does not exist is 404 case_not_found",
  rule: `${PARTIES}/responses/404 and ${INVITES}/responses/404 (case_not_found)`,
  tags: ["stateful"],
  async run(ctx) {
    const { caseId, partyId } = absentIds(ctx);
    const party = await ctx.call(
      ctx.api.POST("/v1/cases/{caseId}/parties", {
        params: { path: { caseId } },
        headers: ctx.bearerFor("addParty"),
        body: { name: "Nobody" },
      }),
    );
    ctx.expectAnswer("addParty on an unknown case", party, 404, "case_not_found");
    const invite = await ctx.call(
      ctx.api.POST("/v1/cases/{caseId}/invites", {
        params: { path: { caseId } },
        headers: ctx.bearerFor("sendInvite"),
        body: { partyId },
      }),
    );
    ctx.expectAnswer("sendInvite on an unknown case", invite, 404, "case_not_found");
  },
};

const addParty: Check = {
  id: "parties.add",
  rules: ["party-echoed"],
  title: "adding a party is 201 echoing name, email and role, not yet invited; an absent email is null",
  rule: `${PARTIES}/responses/201 (PartyResponse: absent optional values are null)`,
  tags: ["stateful", "writes"],
  async run(ctx) {
    for (const kind of ["emailAndMobile", "mobileOnly"] as const) {
      const { input, result } = await ctx.partyFixture(kind);
      const data = result.data!;
      ctx.expect(
        result.exchange.violations.length === 0,
        `${kind} party: the response breaks the contract`,
        result.exchange,
      );
      const echoed = { name: data.name, email: data.email, role: data.role };
      const expected = { name: input.name, email: input.email ?? null, role: input.role };
      ctx.expect(
        JSON.stringify(echoed) === JSON.stringify(expected),
        `${kind} party: sent ${JSON.stringify(expected)}, got back ${JSON.stringify(echoed)}`,
        result.exchange,
      );
      ctx.expect(
        data.clientAccessStatus === "not_sent",
        `${kind} party: clientAccessStatus is ${JSON.stringify(data.clientAccessStatus)}`,
        result.exchange,
      );
    }
  },
};

const inviteChannels: Check = {
  id: "invites.channel",
  rules: ["invite-channel"],
  title: "an invite with sendSms false goes by email, one with sendSms true by sms",
  rule: `${INVITES}/responses/201 (InviteResponse.channel)`,
  tags: ["stateful", "writes"],
  async run(ctx) {
    const { caseId, result: created } = await ctx.caseFixture();
    const { partyId } = await ctx.partyFixture("emailAndMobile");
    const byEmail = await ctx.call(
      ctx.api.POST("/v1/cases/{caseId}/invites", {
        params: { path: { caseId } },
        headers: ctx.bearerFor("sendInvite"),
        body: { partyId, sendSms: false },
      }),
    );
    if (ctx.expectAnswer("an email invite", byEmail, 201))
      ctx.expect(
        byEmail.data?.channel === "email",
        `channel is ${JSON.stringify(byEmail.data?.channel)}`,
        byEmail.exchange,
      );
    const initialParty = created.data!.parties[0].partyId;
    const bySms = await ctx.call(
      ctx.api.POST("/v1/cases/{caseId}/invites", {
        params: { path: { caseId } },
        headers: ctx.bearerFor("sendInvite"),
        body: { partyId: initialParty, sendSms: true },
      }),
    );
    if (ctx.expectAnswer("an SMS invite", bySms, 201))
      ctx.expect(bySms.data?.channel === "sms", `channel is ${JSON.stringify(bySms.data?.channel)}`, bySms.exchange);
    ctx.expect(byEmail.data?.inviteId !== bySms.data?.inviteId, "two invites share an inviteId", bySms.exchange);
  },
};

const inviteMissingContact: Check = {
  id: "invites.missing-contact",
  rules: ["invite-channel"],
  title:
    "an SMS invite to a party without a mobile is 422 party_has_no_mobile; an email invite to one without an email is 422 party_has_no_email",
  rule: `${INVITES}/responses/422 (party_has_no_mobile, party_has_no_email)`,
  tags: ["stateful", "writes"],
  async run(ctx) {
    const { caseId } = await ctx.caseFixture();
    const send = async (kind: "emailOnly" | "mobileOnly", sendSms: boolean) => {
      const { partyId } = await ctx.partyFixture(kind);
      return ctx.call(
        ctx.api.POST("/v1/cases/{caseId}/invites", {
          params: { path: { caseId } },
          headers: ctx.bearerFor("sendInvite"),
          body: { partyId, sendSms },
        }),
      );
    };
    ctx.expectAnswer(
      "an SMS invite to a party without a mobile",
      await send("emailOnly", true),
      422,
      "party_has_no_mobile",
    );
    ctx.expectAnswer(
      "an email invite to a party without an email",
      await send("mobileOnly", false),
      422,
      "party_has_no_email",
    );
  },
};

const inviteUnknownParty: Check = {
  id: "invites.unknown-party",
  rules: ["invite-unknown-target"],
  title: "an invite for a party that is not on the case is 404 party_not_found",
  rule: `${INVITES}/responses/404 (party_not_found)`,
  tags: ["stateful", "writes"],
  async run(ctx) {
    const { caseId } = await ctx.caseFixture();
    const result = await ctx.call(
      ctx.api.POST("/v1/cases/{caseId}/invites", {
        params: { path: { caseId } },
        headers: ctx.bearerFor("sendInvite"),
        body: { partyId: absentIds(ctx).partyId },
      }),
    );
    ctx.expectAnswer("an invite for an unknown party", result, 404, "party_not_found");
  },
};

export const caseChecks: Check[] = [
  createCase,
  createCaseParties,
  duplicateMatterRef,
  unknownCase,
  addParty,
  inviteChannels,
  inviteMissingContact,
  inviteUnknownParty,
];
