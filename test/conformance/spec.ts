// The contract as a run reads it: a bundle (generated/openapi.yaml unless the run is given another) through the
// typed model. Scope names, each operation's scope, the rules and the schemas come from here, never from tables
// restated in the checks; every part of a run reads the one SuiteSpec it is given.
import {
  type Contract,
  loadContract,
  type ReferenceObject,
  type Rule,
  rulesOf,
  type SchemaObject,
} from "../../contract/index.ts";
import type { Scope } from "./client.ts";
import type { Schema } from "./values.ts";

export class SuiteSpec {
  /** The rules the spec states in words (x-rules), each with its id. */
  readonly rules: Rule[];
  /** The scope catalogue, in the spec's order. */
  readonly scopes: Scope[];
  private readonly scopeByOperation: Map<string, string | null | undefined>;

  constructor(readonly contract: Contract) {
    this.rules = rulesOf(contract);
    this.scopes = [...contract.scopeNames] as Scope[];
    this.scopeByOperation = new Map(contract.operations.map((op) => [op.operationId, op.scope]));
  }

  /** The one scope an operation needs, as its `security` declares it. */
  scopeOf(operationId: string): Scope {
    const scope = this.scopeByOperation.get(operationId);
    if (!scope) throw new Error(`${operationId} is not a bearer-secured operation of the contract`);
    return scope as Scope;
  }

  /** A schema or a $ref to one, resolved in this bundle, every keyword readable. */
  read(node: SchemaObject | ReferenceObject | undefined): Schema {
    return (this.contract.readSchema(node) ?? {}) as Schema;
  }
}

const specs = new WeakMap<Contract, SuiteSpec>();

/** The suite's view of a bundle file, once per path: generated/openapi.yaml unless another is given. */
export function suiteSpec(bundlePath?: string): SuiteSpec {
  const contract = loadContract(bundlePath);
  let spec = specs.get(contract);
  if (!spec) specs.set(contract, (spec = new SuiteSpec(contract)));
  return spec;
}
