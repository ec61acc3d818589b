// The break cases for test/lint/rules.test.ts: for each verify-* rule, copies of
// fixtures/baseline.yaml with one thing changed, and exactly the findings expected from our rules.
// Where one break is rightly two findings (a scope lost from an operation is also a catalogue scope
// used by none), both are listed; each rule also has a case where it alone fails.

export interface Finding {
  code: string;
  message: string;
  path: string[];
}
export interface Case {
  name: string;
  change: (doc: any) => void;
  expected: Finding[];
}

const CATALOGUE = ["components", "securitySchemes", "systemToken", "x-scopes"];
export const CREATE_CASE = ["paths", "/v1/cases", "post"];
const LIST_IDS = ["paths", "/v1/cases/ids", "get"];
const TOKEN_EXCHANGE = ["paths", "/v1/microapps/system-tokens", "post"];
/** A string schema that passes verify-string-pattern, for cases about something else. */
const CLEAN_ID = { type: "string", maxLength: 64, pattern: "^[^\\u0000-\\u001F]*$" };
const inlineErrorResponse = (path: string[]): Finding => ({
  code: "verify-shared-error-response",
  message:
    "An error response (4xx/5xx) must be a $ref to a shared response in components/responses, not written inline",
  path,
});
const unused = (scope: string): Finding => ({
  code: "verify-scope-catalogue",
  message: `Catalogue scope "${scope}" is used by no operation; each scope belongs to exactly one operation`,
  path: [...CATALOGUE, scope],
});

export const cases: Record<string, Case[]> = {
  "verify-operation-one-scope": [
    {
      name: "a second, empty security requirement (optional auth)",
      change: (doc) => {
        doc.paths["/v1/cases"].post.security.push({});
      },
      expected: [
        {
          code: "verify-operation-one-scope",
          message:
            'POST /v1/cases must require systemToken with exactly one scope, found [{"systemToken":["cases.create"]},{}]',
          path: [...CREATE_CASE, "security"],
        },
      ],
    },
    {
      // Losing the scope also leaves cases.create unused: two true findings for one break.
      name: "an operation that loses its scope",
      change: (doc) => {
        doc.paths["/v1/cases"].post.security = [{ systemToken: [] }];
      },
      expected: [
        {
          code: "verify-operation-one-scope",
          message: 'POST /v1/cases must require systemToken with exactly one scope, found [{"systemToken":[]}]',
          path: [...CREATE_CASE, "security"],
        },
        unused("cases.create"),
      ],
    },
    {
      name: "an operation with no security at all",
      change: (doc) => {
        delete doc.paths["/v1/cases"].post.security;
      },
      expected: [
        {
          code: "verify-operation-one-scope",
          message: "POST /v1/cases must require systemToken with exactly one scope, found no security",
          path: CREATE_CASE,
        },
        unused("cases.create"),
      ],
    },
    {
      // The second scope is then used by two operations: rule 2 says so too.
      name: "an operation requiring two scopes",
      change: (doc) => {
        doc.paths["/v1/cases"].post.security = [{ systemToken: ["cases.create", "cases.ids.list"] }];
      },
      expected: [
        {
          code: "verify-operation-one-scope",
          message:
            'POST /v1/cases must require systemToken with exactly one scope, found [{"systemToken":["cases.create","cases.ids.list"]}]',
          path: [...CREATE_CASE, "security"],
        },
        {
          code: "verify-scope-catalogue",
          message:
            'Catalogue scope "cases.ids.list" is used by 2 operations (POST /v1/cases, GET /v1/cases/ids); each scope belongs to exactly one operation',
          path: [...CATALOGUE, "cases.ids.list"],
        },
      ],
    },
    {
      // A second `security: []` is treated as a token exchange too, hence the 429 finding.
      name: "a second operation with security: []",
      change: (doc) => {
        doc.paths["/v1/cases/ids"].get.security = [];
      },
      expected: [
        {
          code: "verify-operation-one-scope",
          message:
            "POST /v1/microapps/system-tokens declares security: [], which only the token exchange may (found on POST /v1/microapps/system-tokens, GET /v1/cases/ids)",
          path: [...TOKEN_EXCHANGE, "security"],
        },
        {
          code: "verify-operation-one-scope",
          message:
            "GET /v1/cases/ids declares security: [], which only the token exchange may (found on POST /v1/microapps/system-tokens, GET /v1/cases/ids)",
          path: [...LIST_IDS, "security"],
        },
        unused("cases.ids.list"),
        {
          code: "verify-auth-responses",
          message: "GET /v1/cases/ids must document 429: the token exchange documents 401, 403 and 429",
          path: [...LIST_IDS, "responses"],
        },
      ],
    },
  ],
  "verify-scope-catalogue": [
    {
      name: "an unknown scope",
      change: (doc) => {
        doc.paths["/v1/cases"].post.security = [{ systemToken: ["cases.delete"] }];
      },
      expected: [
        {
          code: "verify-scope-catalogue",
          message: 'POST /v1/cases requires scope "cases.delete", which is not in the catalogue (systemToken x-scopes)',
          path: [...CREATE_CASE, "security", "0", "systemToken", "0"],
        },
        unused("cases.create"),
      ],
    },
    {
      name: "a catalogue scope used by no operation",
      change: (doc) => {
        doc.components.securitySchemes.systemToken["x-scopes"]["cases.archive"] = "Archive cases";
        doc.components.schemas.Scope.enum.push("cases.archive");
        doc.components.schemas.TokenRequest.properties.scopes.maxItems = 3;
      },
      expected: [unused("cases.archive")],
    },
    {
      name: "a catalogue scope used by two operations",
      change: (doc) => {
        doc.paths["/v1/cases/ids"].get.security = [{ systemToken: ["cases.create"] }];
      },
      expected: [
        {
          code: "verify-scope-catalogue",
          message:
            'Catalogue scope "cases.create" is used by 2 operations (POST /v1/cases, GET /v1/cases/ids); each scope belongs to exactly one operation',
          path: [...CATALOGUE, "cases.create"],
        },
        unused("cases.ids.list"),
      ],
    },
    {
      name: "no catalogue",
      change: (doc) => {
        delete doc.components.securitySchemes.systemToken["x-scopes"];
      },
      expected: [
        {
          code: "verify-scope-catalogue",
          message:
            "components.securitySchemes.systemToken must declare its scope catalogue as x-scopes (name -> purpose)",
          path: ["components", "securitySchemes", "systemToken"],
        },
      ],
    },
  ],
  "verify-scope-enum": [
    {
      name: "a shrunk Scope enum",
      change: (doc) => {
        doc.components.schemas.Scope.enum = ["cases.create"];
      },
      expected: [
        {
          code: "verify-scope-enum",
          message:
            "A scope enum must list exactly the catalogue's scopes (systemToken x-scopes): missing cases.ids.list",
          path: ["components", "schemas", "Scope", "enum"],
        },
      ],
    },
    {
      name: "a Scope enum with no scope names left",
      change: (doc) => {
        doc.components.schemas.Scope.enum = ["read", "write"];
      },
      expected: [
        {
          code: "verify-scope-enum",
          message:
            "A scope enum must list exactly the catalogue's scopes (systemToken x-scopes): missing cases.create, cases.ids.list; not in the catalogue: read, write",
          path: ["components", "schemas", "Scope", "enum"],
        },
      ],
    },
    {
      name: "another enum of scopes with one too many",
      change: (doc) => {
        doc.components.schemas.TokenRequest.properties.scopes.items = {
          type: "string",
          enum: ["cases.create", "cases.ids.list", "cases.delete"],
        };
      },
      expected: [
        {
          code: "verify-scope-enum",
          message:
            "A scope enum must list exactly the catalogue's scopes (systemToken x-scopes): not in the catalogue: cases.delete",
          path: ["components", "schemas", "TokenRequest", "properties", "scopes", "items", "enum"],
        },
      ],
    },
  ],
  "verify-scope-array-bound": [
    {
      name: "a scope array capped below the catalogue's size",
      change: (doc) => {
        doc.components.schemas.TokenRequest.properties.scopes.maxItems = 1;
      },
      expected: [
        {
          code: "verify-scope-array-bound",
          message:
            "An array of scopes caps at the catalogue's size: maxItems must be 2 (the scopes in systemToken x-scopes), found 1",
          path: ["components", "schemas", "TokenRequest", "properties", "scopes", "maxItems"],
        },
      ],
    },
    {
      name: "a scope array that may repeat a scope",
      change: (doc) => {
        delete doc.components.schemas.TokenRequest.properties.scopes.uniqueItems;
      },
      expected: [
        {
          code: "verify-scope-array-bound",
          message: "An array of scopes must have uniqueItems: true",
          path: ["components", "schemas", "TokenRequest", "properties", "scopes"],
        },
      ],
    },
  ],
  "verify-auth-responses": [
    {
      name: "a scoped operation drops its documented 403",
      change: (doc) => {
        delete doc.paths["/v1/cases"].post.responses["403"];
      },
      expected: [
        {
          code: "verify-auth-responses",
          message: "POST /v1/cases must document 403: a scoped operation documents 401 and 403",
          path: [...CREATE_CASE, "responses"],
        },
      ],
    },
    {
      name: "the token exchange drops its 429",
      change: (doc) => {
        delete doc.paths["/v1/microapps/system-tokens"].post.responses["429"];
      },
      expected: [
        {
          code: "verify-auth-responses",
          message: "POST /v1/microapps/system-tokens must document 429: the token exchange documents 401, 403 and 429",
          path: [...TOKEN_EXCHANGE, "responses"],
        },
      ],
    },
  ],
  "verify-error-schema": [
    {
      name: "an error response with its own schema",
      change: (doc) => {
        doc.paths["/v1/cases"].post.responses["400"] = {
          description: "Bad request.",
          content: {
            "application/json": {
              schema: {
                type: "object",
                additionalProperties: false,
                properties: { message: { type: "string", maxLength: 100, pattern: "^[^\\u0000-\\u001F]*$" } },
              },
            },
          },
        };
      },
      expected: [
        {
          code: "verify-error-schema",
          message: "An error response (4xx/5xx) must use the shared Error schema ($ref to components/schemas/Error)",
          path: [...CREATE_CASE, "responses", "400", "content", "application/json"],
        },
        inlineErrorResponse([...CREATE_CASE, "responses", "400"]),
      ],
    },
    {
      name: "an inline copy of Error (a copy drifts; only the shared one counts)",
      change: (doc) => {
        doc.paths["/v1/cases"].post.responses["400"] = {
          description: "Bad request.",
          content: { "application/json": { schema: structuredClone(doc.components.schemas.Error) } },
        };
      },
      expected: [
        {
          code: "verify-error-schema",
          message: "An error response (4xx/5xx) must use the shared Error schema ($ref to components/schemas/Error)",
          path: [...CREATE_CASE, "responses", "400", "content", "application/json"],
        },
        inlineErrorResponse([...CREATE_CASE, "responses", "400"]),
      ],
    },
    {
      name: "a shared error response without a body",
      change: (doc) => {
        delete doc.components.responses.Forbidden.content;
      },
      expected: [
        {
          code: "verify-error-schema",
          message: "An error response (4xx/5xx) must have a body that uses the shared Error schema",
          path: ["components", "responses", "Forbidden"],
        },
      ],
    },
  ],
  "verify-closed-request-body": [
    {
      name: "an open request body",
      change: (doc) => {
        delete doc.components.schemas.CreateCaseRequest.additionalProperties;
      },
      expected: [
        {
          code: "verify-closed-request-body",
          message: "A request body object must be closed (additionalProperties: false)",
          path: ["components", "schemas", "CreateCaseRequest"],
        },
      ],
    },
    {
      name: "an open object nested in a request body",
      change: (doc) => {
        doc.components.schemas.CreateCaseRequest.properties.propertyAddress.additionalProperties = true;
      },
      expected: [
        {
          code: "verify-closed-request-body",
          message: "A request body object must be closed (additionalProperties: false)",
          path: ["components", "schemas", "CreateCaseRequest", "properties", "propertyAddress"],
        },
      ],
    },
  ],
  "verify-closed-response": [
    {
      name: "an open response body",
      change: (doc) => {
        delete doc.paths["/v1/microapps/system-tokens"].post.responses["200"].content["application/json"].schema
          .additionalProperties;
      },
      expected: [
        {
          code: "verify-closed-response",
          message: "A response object must be closed (additionalProperties: false)",
          path: [...TOKEN_EXCHANGE, "responses", "200", "content", "application/json", "schema"],
        },
      ],
    },
    {
      name: "an open object nested in the shared Error",
      change: (doc) => {
        doc.components.schemas.Error.properties.error.additionalProperties = true;
      },
      expected: [
        {
          code: "verify-closed-response",
          message: "A response object must be closed (additionalProperties: false)",
          path: ["components", "schemas", "Error", "properties", "error"],
        },
      ],
    },
  ],
  "verify-shared-error-response": [
    {
      name: "an inline error response, even with the shared Error schema",
      change: (doc) => {
        doc.paths["/v1/cases"].post.responses["409"] = {
          description: "Conflict.",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        };
      },
      expected: [inlineErrorResponse([...CREATE_CASE, "responses", "409"])],
    },
  ],
  "verify-string-pattern": [
    {
      name: "free text without a pattern",
      change: (doc) => {
        delete doc.components.schemas.CreateCaseRequest.properties.matterRef.pattern;
      },
      expected: [
        {
          code: "verify-string-pattern",
          message:
            "A string that is not an enum, const or format must have a pattern that refuses control characters (U+0000 to U+001F)",
          path: ["components", "schemas", "CreateCaseRequest", "properties", "matterRef"],
        },
      ],
    },
    {
      name: "a pattern that lets a control character through",
      change: (doc) => {
        doc.components.schemas.CreateCaseRequest.properties.propertyAddress.properties.line1.pattern = "^[^\\n]*$";
      },
      expected: [
        {
          code: "verify-string-pattern",
          message: 'pattern "^[^\\\\n]*$" lets control characters through (it matches one with U+0000)',
          path: ["components", "schemas", "CreateCaseRequest", "properties", "propertyAddress", "properties", "line1"],
        },
      ],
    },
    {
      name: "a response header without a pattern",
      change: (doc) => {
        delete doc.components.headers.RateLimit.schema.pattern;
      },
      expected: [
        {
          code: "verify-string-pattern",
          message:
            "A string that is not an enum, const or format must have a pattern that refuses control characters (U+0000 to U+001F)",
          path: ["components", "headers", "RateLimit", "schema"],
        },
      ],
    },
  ],
  "verify-rate-limit-headers": [
    {
      name: "a rate-limited operation's 2xx without RateLimit",
      change: (doc) => {
        delete doc.paths["/v1/microapps/system-tokens"].post.responses["200"].headers.RateLimit;
      },
      expected: [
        {
          code: "verify-rate-limit-headers",
          message:
            "POST /v1/microapps/system-tokens has a rate limit of its own (RateLimit-Policy on its 429), so its 200 must document the RateLimit header",
          path: [...TOKEN_EXCHANGE, "responses", "200", "headers"],
        },
      ],
    },
    {
      name: "a rate-limited operation's shared 429 without RateLimit",
      change: (doc) => {
        delete doc.components.responses.TooManyFailedExchanges.headers.RateLimit;
      },
      expected: [
        {
          code: "verify-rate-limit-headers",
          message:
            "POST /v1/microapps/system-tokens has a rate limit of its own (RateLimit-Policy on its 429), so its 429 must document the RateLimit header",
          path: ["components", "responses", "TooManyFailedExchanges", "headers"],
        },
      ],
    },
  ],
  "verify-path-prefix": [
    {
      name: "a path that does not begin /v1/",
      change: (doc) => {
        doc.paths["/cases/ids"] = doc.paths["/v1/cases/ids"];
        delete doc.paths["/v1/cases/ids"];
      },
      expected: [
        {
          code: "verify-path-prefix",
          message: 'Path "/cases/ids" must begin with /v1/ (x-path-prefix)',
          path: ["paths", "/cases/ids"],
        },
      ],
    },
    {
      name: "a new prefix that the paths do not follow",
      change: (doc) => {
        doc["x-path-prefix"] = "/v2";
      },
      expected: ["/v1/microapps/system-tokens", "/v1/cases", "/v1/cases/ids"].map((path) => ({
        code: "verify-path-prefix",
        message: `Path "${path}" must begin with /v2/ (x-path-prefix)`,
        path: ["paths", path],
      })),
    },
    {
      name: "no declared prefix",
      change: (doc) => {
        delete doc["x-path-prefix"];
      },
      expected: [
        {
          code: "verify-path-prefix",
          message: "The root must declare its path prefix as x-path-prefix (such as /v1)",
          path: [],
        },
      ],
    },
  ],
  "verify-path-parameter-links": [
    {
      name: "a path parameter another operation returns, with no link from that response",
      change: (doc) => {
        doc.paths["/v1/cases"].post.responses["201"].content = {
          "application/json": {
            schema: { type: "object", additionalProperties: false, properties: { caseId: CLEAN_ID } },
          },
        };
        doc.paths["/v1/cases/{caseId}/ids"] = doc.paths["/v1/cases/ids"];
        delete doc.paths["/v1/cases/ids"];
        doc.paths["/v1/cases/{caseId}/ids"].get.parameters = [
          { name: "caseId", in: "path", required: true, schema: CLEAN_ID },
        ];
      },
      expected: [
        {
          code: "verify-path-parameter-links",
          message:
            "GET /v1/cases/{caseId}/ids: path parameter caseId is returned by createCase 201; declare a link from it to listCaseIds that sets caseId",
          path: ["paths", "/v1/cases/{caseId}/ids", "get"],
        },
      ],
    },
  ],
  "verify-operation-metadata": [
    {
      name: "an operation without an operationId",
      change: (doc) => {
        delete doc.paths["/v1/cases"].post.operationId;
      },
      expected: [
        { code: "verify-operation-metadata", message: "POST /v1/cases must have an operationId", path: CREATE_CASE },
      ],
    },
    {
      name: "an operation without a summary",
      change: (doc) => {
        delete doc.paths["/v1/cases"].post.summary;
      },
      expected: [
        { code: "verify-operation-metadata", message: "POST /v1/cases must have a summary", path: CREATE_CASE },
      ],
    },
    {
      name: "an operation without a tag",
      change: (doc) => {
        doc.paths["/v1/cases"].post.tags = [];
      },
      expected: [{ code: "verify-operation-metadata", message: "POST /v1/cases must have a tag", path: CREATE_CASE }],
    },
  ],
};
