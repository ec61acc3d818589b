// The OpenAPI 3.1 object types every reader of the contract uses: openapi-typescript's own, so nothing here
// restates the OpenAPI specification.
export type {
  ExampleObject,
  HeaderObject,
  MediaTypeObject,
  OpenAPI3,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
  SecurityRequirementObject,
  SecuritySchemeObject,
} from "openapi-typescript";

import type { ReferenceObject, SchemaObject } from "openapi-typescript";

/**
 * A schema read keyword by keyword, whatever its `type`. openapi-typescript's SchemaObject is a union by `type`
 * whose members leave out each other's keywords (and maxLength altogether), so code that walks any schema reads it
 * as this.
 */
export interface SchemaKeywords {
  type?: string | string[];
  properties?: Record<string, SchemaObject | ReferenceObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject | ReferenceObject;
  items?: SchemaObject | ReferenceObject;
  enum?: unknown[];
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  example?: unknown;
  default?: unknown;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
