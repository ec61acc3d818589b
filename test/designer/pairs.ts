// The pairs for test/designer/breaking-changes.test.ts, in the style of github/rest-api-description's old/new
// documents: each kind of change is one edit (`after`) to a copy of fixtures/baseline.yaml, a small frozen "things"
// API (not spec/, so the pairs do not move when the contract does). The few kinds that need a feature the baseline
// lacks (a $ref with a sibling, a response header, a third scope) add it first (`before`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

interface Pair {
  before?: (doc: any) => void;
  after: (doc: any) => void;
}

const baseline = parse(readFileSync(join(import.meta.dirname, "fixtures/baseline.yaml"), "utf8"));

const list = (doc: any) => doc.paths["/v1/things"].get;
const create = (doc: any) => doc.paths["/v1/things"].post;
const thingRequest = (doc: any) => doc.components.schemas.ThingRequest;
const thing = (doc: any) => doc.components.schemas.Thing;

const pairs: Record<string, Pair> = {
  "removed-path": {
    after: (doc) => {
      delete doc.paths["/v1/things"].get;
    },
  },
  "new-required-request-field": {
    after: (doc) => {
      thingRequest(doc).required.push("size");
      thingRequest(doc).properties.size = { type: "integer" };
    },
  },
  "new-optional-request-field": {
    after: (doc) => {
      thingRequest(doc).properties.size = { type: "integer" };
    },
  },
  "narrowed-request-enum": {
    after: (doc) => {
      thingRequest(doc).properties.color.enum = ["red"];
    },
  },
  "widened-response-enum": {
    after: (doc) => {
      thing(doc).properties.status.enum.push("deleted");
    },
  },
  "required-response-header": {
    before: (doc) => {
      const { description, content } = list(doc).responses["200"];
      const requestId = { description: "The request's id.", schema: { type: "string", maxLength: 128 } };
      list(doc).responses["200"] = { description, headers: { "X-Request-Id": requestId }, content };
    },
    after: (doc) => {
      const { description, schema } = list(doc).responses["200"].headers["X-Request-Id"];
      list(doc).responses["200"].headers["X-Request-Id"] = { description, required: true, schema };
    },
  },
  "changed-scope": {
    after: (doc) => {
      create(doc).security = [{ systemToken: ["things.list"] }];
    },
  },
  "extra-scope-in-requirement": {
    after: (doc) => {
      create(doc).security[0].systemToken.push("things.list");
    },
  },
  "removed-catalogue-scope": {
    before: (doc) => {
      doc.components.securitySchemes.systemToken["x-scopes"]["things.archive"] = "Archive things";
    },
    after: (doc) => {
      delete doc.components.securitySchemes.systemToken["x-scopes"]["things.archive"];
    },
  },
  "widened-request-pattern": {
    before: (doc) => {
      thingRequest(doc).properties.name.pattern = "^[a-z]+$";
    },
    after: (doc) => {
      thingRequest(doc).properties.name.pattern = "^[a-z0-9]+$";
    },
  },
  "lookahead-request-pattern": {
    before: (doc) => {
      thingRequest(doc).properties.name.pattern = "^[a-z]+$";
    },
    after: (doc) => {
      thingRequest(doc).properties.name.pattern = "^(?!x)[a-z]+$";
    },
  },
  "removed-error-status": {
    after: (doc) => {
      delete create(doc).responses["409"];
    },
  },
  "nullable-response-field": {
    after: (doc) => {
      thing(doc).properties.thingId.type = ["string", "null"];
    },
  },
  "changed-response-type": {
    after: (doc) => {
      thing(doc).properties.thingId = { type: "integer" };
    },
  },
  "changed-response-const": {
    after: (doc) => {
      thing(doc).properties.ok.const = false;
    },
  },
  "narrowed-shared-error-schema": {
    after: (doc) => {
      doc.components.schemas.Error.properties.error.properties.message.maxLength = 200;
    },
  },
  "ref-sibling-description": {
    before: (doc) => {
      thingRequest(doc).properties.name = {
        $ref: "#/components/schemas/Name",
        description: "What the thing is called.",
      };
      doc.components.schemas.Name = { type: "string", maxLength: 100 };
    },
    after: (doc) => {
      thingRequest(doc).properties.name.description = "The name people use for the thing.";
    },
  },
  "added-link": {
    after: (doc) => {
      const [status] = Object.keys(create(doc).responses).filter((s) => s.startsWith("2"));
      create(doc).responses[status].links = { list: { operationId: list(doc).operationId } };
    },
  },
  "documentation-only": {
    after: (doc) => {
      doc.info.description = "A small API, described better.";
      create(doc).summary = "Create one thing";
      create(doc).requestBody.content["application/json"].examples.one.value.name = "Chair";
    },
  },
};

/** The old and the new document of one kind of change. */
export function pair(kind: string): { before: any; after: any } {
  const { before: prepare, after: change } = pairs[kind] ?? {};
  if (!change) throw new Error(`no pair "${kind}" in test/designer/pairs.ts`);
  const before = structuredClone(baseline);
  prepare?.(before);
  const after = structuredClone(before);
  change(after);
  return { before, after };
}
