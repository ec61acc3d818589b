// generated/requests.http wires each request to the responses that feed it by the spec's links: a new operation
// that returns the id it takes (GET /v1/cases/{caseId}) reads it from createCase, not from its own response, and
// the requests after it keep reading from the operations that link to them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { contractOf, repoFiles } from "../../contract/index.ts";
import { buildHttpFile } from "../../scripts/http-file.ts";

/** The working bundle with GET /v1/cases/{caseId} (getCase) after POST /v1/cases, linked from createCase's 201. */
function withGetCase() {
  const doc = parse(readFileSync(repoFiles.bundle, "utf8"));
  const created = doc.paths["/v1/cases"].post.responses["201"];
  created.links.getCase = { operationId: "getCase", parameters: { caseId: "$response.body#/caseId" } };
  const getCase = {
    parameters: doc.paths["/v1/cases/{caseId}/parties"].parameters,
    get: {
      operationId: "getCase",
      summary: "Read a case",
      tags: ["Cases"],
      security: [{ systemToken: ["cases.create"] }],
      responses: { "200": { description: "The case.", content: created.content } },
    },
  };
  const paths = Object.entries(doc.paths);
  paths.splice(paths.findIndex(([path]) => path === "/v1/cases") + 1, 0, ["/v1/cases/{caseId}", getCase]);
  doc.paths = Object.fromEntries(paths);
  return doc;
}

/** "METHOD path" of each request, and its body, by @name. */
function requests(text: string) {
  return Object.fromEntries(
    text
      .split(/^### .*$/m)
      .slice(1)
      .map((block) => [/^# @name (\w+)$/m.exec(block)![1], /^(GET|POST) (\S+)/m.exec(block)![2] + block]),
  );
}

describe("requests.http", () => {
  it("reads a new operation's id from the response that links to it, and leaves later requests where they were", () => {
    const wired = requests(buildHttpFile(contractOf(withGetCase())));
    expect(wired.getCase).toMatch(/^\{\{baseUrl\}\}\/v1\/cases\/\{\{createCase\.response\.body\.\$\.caseId\}\}\n/);
    expect(wired.getCase).not.toContain("getCase.response");
    expect(wired.addParty).toMatch(
      /^\{\{baseUrl\}\}\/v1\/cases\/\{\{createCase\.response\.body\.\$\.caseId\}\}\/parties/,
    );
    expect(wired.sendInvite).toMatch(
      /^\{\{baseUrl\}\}\/v1\/cases\/\{\{createCase\.response\.body\.\$\.caseId\}\}\/invites/,
    );
    expect(wired.sendInvite).toContain('"partyId": "{{addParty.response.body.$.partyId}}"');
  });

  it("follows a link to the earlier request that now links to a later one (rewiring by the spec, not by names)", () => {
    const doc = withGetCase();
    doc.paths["/v1/cases/{caseId}"].get.responses["200"].links = {
      addParty: { operationId: "addParty", parameters: { caseId: "$response.body#/caseId" } },
    };
    const wired = requests(buildHttpFile(contractOf(doc)));
    expect(wired.addParty).toMatch(/^\{\{baseUrl\}\}\/v1\/cases\/\{\{getCase\.response\.body\.\$\.caseId\}\}\/parties/);
    // sendInvite's caseId comes from addParty's own path ($request.path.caseId), which now reads getCase's.
    expect(wired.sendInvite).toMatch(
      /^\{\{baseUrl\}\}\/v1\/cases\/\{\{getCase\.response\.body\.\$\.caseId\}\}\/invites/,
    );
  });

  it("is what npm run generate wrote for the working spec", () => {
    const contract = contractOf(parse(readFileSync(repoFiles.bundle, "utf8")));
    expect(buildHttpFile(contract)).toBe(readFileSync(`${repoFiles.generated}/requests.http`, "utf8"));
  });
});
