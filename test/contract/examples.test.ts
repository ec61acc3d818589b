import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import {
  jsonPointer as pointer,
  readBundle,
  repoRoot,
  resolveRef,
  pointerSegments,
  valueAt,
  type ExampleObject,
} from "../../contract/index.ts";
import { titleWithSkipReason } from "../support/skip-reason.ts";

const doc = readBundle();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(doc, "openapi");

interface Example {
  where: string;
  schemaPointer: string;
  value: unknown;
}

// Every example in the document, with the schema it must satisfy: media-type examples,
// parameter and header examples, and schema-level `example`s.
function allExamples(): Example[] {
  const found: Example[] = [];
  const visit = (value: unknown, path: string[]) => {
    if (!value || typeof value !== "object") return;
    const node = value as Record<string, unknown>;
    if (node.schema && (node.examples || "example" in node)) {
      const schemaPointer = pointer([...path, "schema"]);
      if ("example" in node) found.push({ where: path.join("/"), schemaPointer, value: node.example });
      for (const [name, ex] of Object.entries((node.examples ?? {}) as Record<string, ExampleObject>)) {
        found.push({ where: [...path, "examples", name].join("/"), schemaPointer, value: resolveRef(doc, ex).value });
      }
    }
    if (node.type && "example" in node && !node.schema)
      found.push({ where: path.join("/"), schemaPointer: pointer(path), value: node.example });
    for (const [key, child] of Object.entries(node))
      if (key !== "example" && key !== "examples") visit(child, [...path, key]);
  };
  visit(doc.paths, ["paths"]);
  visit(doc.components, ["components"]);
  return found;
}

describe("every example in the spec validates against its schema", () => {
  const examples = allExamples();
  it("finds the examples", () => expect(examples.length).toBeGreaterThan(40));
  it.each(examples.map((e) => [e.where, e]))("%s", (_where, example) => {
    const validate = ajv.getSchema(`openapi${(example as Example).schemaPointer}`)!;
    const ok = validate((example as Example).value);
    expect(validate.errors ?? [], JSON.stringify((example as Example).value)).toEqual([]);
    expect(ok).toBe(true);
  });
});

// The product page is the source of truth: each JSON example it shows must be in the spec verbatim.
const seed = join(repoRoot, "../shared/seeds/verify-client-developer-docs.txt");

function jsonObjects(text: string): unknown[] {
  const objects: unknown[] = [];
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === "{") depth++;
      if (text[i] === "}" && --depth === 0) {
        try {
          objects.push(JSON.parse(text.slice(start, i + 1)));
          start = i;
        } catch {
          /* not JSON: try the next brace */
        }
        break;
      }
    }
  }
  return objects;
}

const noSeed = !existsSync(seed) && !process.env.CI;
describe.skipIf(noSeed)(
  titleWithSkipReason("every example on the product page is in the spec", noSeed ? `${seed} is missing` : undefined),
  () => {
    const pageExamples = existsSync(seed) ? jsonObjects(readFileSync(seed, "utf8")) : [];
    const specValues = allExamples().map((e) => e.value);
    const codeSampleBodies =
      JSON.stringify(doc.paths)
        .match(/-d '(\{[^']*\})'/g)
        ?.map((m) => JSON.parse(m.slice(4, -1).replace(/\\n/g, "\n").replace(/\\"/g, '"'))) ?? [];
    const auditExample = jsonObjects(doc.info.description ?? "");

    it("reads the page's examples", () => expect(pageExamples.length).toBeGreaterThanOrEqual(10));

    // CONTRACT.md: every field the page shows stays required, and fields added after the page are optional, so the
    // page's answers (kept verbatim above, and valid by the first describe) stay valid answers of the working spec.
    const pageAnswers = allExamples().filter(
      (e) => e.where.includes("/responses/") && pageExamples.some((p) => JSON.stringify(p) === JSON.stringify(e.value)),
    );
    it.each(pageAnswers.map((e) => [e.where, e]))(
      "%s: the page's fields are required, and only they (fields added after the page are optional)",
      (_where, example) => {
        const { schemaPointer, value } = example as Example;
        const schema = resolveRef<{ required?: string[] }>(doc, valueAt(doc, pointerSegments(schemaPointer)) as object);
        const shown = Object.keys(value as object).sort();
        expect([...(schema.required ?? [])].sort(), `${schemaPointer}: required fields against the page's`).toEqual(
          shown,
        );
      },
    );
    it.each(pageExamples.map((e) => [JSON.stringify(e).slice(0, 80), e]))("%s", (_label, example) => {
      const inSpec = [...specValues, ...codeSampleBodies, ...auditExample].some(
        (v) => JSON.stringify(v) === JSON.stringify(example),
      );
      expect(inSpec, `product-page example missing from the spec: ${JSON.stringify(example)}`).toBe(true);
    });
  },
);
