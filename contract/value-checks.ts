// One validator for values against the contract's own schemas (Ajv with ajv-formats): tools that accept input the
// API later answers with (the admin CLI) check it here, so what they accept is exactly what the response schemas
// allow, and the server checks each reply here before its transaction commits.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Contract } from "./model.ts";
import type { ReferenceObject, SchemaObject } from "./openapi.ts";

export class ValueChecks {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly compiledInline = new WeakMap<object, ValidateFunction>();

  constructor(private readonly contract: Contract) {
    this.ajv = new Ajv2020({ strict: false, validateFormats: true });
    addFormats.default(this.ajv);
    // Only the components: pointers name component schemas, and Ajv need not read every path to reach them.
    this.ajv.addSchema({ components: contract.doc.components }, "contract");
  }

  /**
   * Why `value` breaks the schema at `pointer` (such as "#/components/schemas/User/properties/email"), or
   * undefined when it fits.
   */
  problem(pointer: string, value: unknown): string | undefined {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `contract${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return explain(validate, value);
  }

  /**
   * Why `value` breaks `schema`, a schema of this contract as its document holds it: a $ref to a component, or an
   * inline schema (an operation's own), whose `#/components/...` refs resolve in this contract.
   */
  schemaProblem(schema: SchemaObject | ReferenceObject, value: unknown): string | undefined {
    if ("$ref" in schema && schema.$ref.startsWith("#/components/")) return this.problem(schema.$ref, value);
    return explain(this.compiledOnce(schema, { ...schema, components: this.contract.doc.components }), value);
  }

  /** Why `value` breaks `schema`, a self-contained schema (no `$ref`s left: see inlineRefs), or undefined. */
  problemWith(schema: object, value: unknown): string | undefined {
    return explain(this.compiledOnce(schema, schema), value);
  }

  private compiledOnce(key: object, schema: object): ValidateFunction {
    let validate = this.compiledInline.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiledInline.set(key, validate);
    }
    return validate;
  }
}

function explain(validate: ValidateFunction, value: unknown): string | undefined {
  if (validate(value)) return undefined;
  return (validate.errors ?? []).map((e) => `${e.instancePath ? `${e.instancePath} ` : ""}${e.message}`).join("; ");
}
