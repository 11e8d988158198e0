// The shape of src/sandbox/emulator/operations.generated.ts: what X's OpenAPI says an operation takes.

export interface OperationParam {
  name: string;
  in: 'query' | 'path' | 'header' | string;
  required: boolean;
  /** The parameter's JSON Schema as the description gives it (`$ref`s point into COMPONENT_SCHEMAS). */
  schema: Record<string, unknown>;
}

export interface OperationSpec {
  method: string;
  /** Path template, e.g. `/2/tweets/{id}`. */
  path: string;
  operationId: string;
  params: OperationParam[];
  /** The `application/json` request body schema, when the operation takes one. */
  body?: Record<string, unknown>;
  bodyRequired?: boolean;
  /** Every media type the operation takes a body in (`application/json`, `multipart/form-data`). */
  bodyTypes?: string[];
}
