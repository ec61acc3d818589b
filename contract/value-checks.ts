// One validator for single values against the contract's own schemas (Ajv with ajv-formats, as the response
// validation uses): tools that accept input the API later answers with (the admin CLI) check it here, so what
// they accept is exactly what the response schemas allow.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Contract } from "./model.ts";

export class ValueChecks {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly compiledSchemas = new WeakMap<object, ValidateFunction>();

  constructor(contract: Contract) {
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
    return validate(value) ? undefined : describe(validate);
  }

  /** Why `value` breaks `schema`, a self-contained schema (see inlineRefs), or undefined when it fits. */
  problemWith(schema: object, value: unknown): string | undefined {
    let validate = this.compiledSchemas.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiledSchemas.set(schema, validate);
    }
    return validate(value) ? undefined : describe(validate);
  }
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath ? `${e.instancePath} ` : ""}${e.message}`).join("; ");
}
