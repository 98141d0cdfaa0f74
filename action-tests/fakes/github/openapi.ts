/**
 * GitHub's published OpenAPI description of api.github.com (npm `@octokit/openapi`), as a judge
 * of requests and responses: which operation a request is, whether its path, query and body are
 * ones GitHub accepts, and whether a response has the shape GitHub documents. Schemas are
 * OpenAPI 3.0, converted to JSON Schema for ajv (`nullable`), and compiled per operation on first
 * use, so a test pays only for the endpoints it touches.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
  'x-multi-segment'?: boolean;
}

export interface Operation {
  operationId: string;
  method: string;
  /** The path template, e.g. `/repos/{owner}/{repo}/deployments`. */
  template: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

export interface MatchedOperation {
  operation: Operation;
  pathParams: Record<string, string>;
}

/** One problem found: what GitHub would reject (request) or would never send (response). */
export interface SchemaProblem {
  where: string;
  message: string;
}

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` type (and a `null` enum member), or
 * an `anyOf` with `null` when the schema has no type of its own (a `$ref`, `allOf`…).
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const source = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key === 'discriminator') continue;
    out[key] = key === 'enum' || key === 'required' ? value : toJsonSchema(value);
  }
  // The description documents some URLs as `format: uri` with `default: ""` (and GitHub sends
  // ""): its own default is accepted, anything else must be a URI.
  if (out.default === '' && typeof out.format === 'string') {
    const rest = { ...out };
    delete rest.default;
    return toJsonSchema({
      anyOf: [{ const: '' }, rest],
      ...(source.nullable === true ? { nullable: true } : {})
    });
  }
  if (source.nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  // A `$ref` with siblings: in OpenAPI 3.0 the siblings are ignored, except `nullable`.
  const inner = out.$ref !== undefined ? { $ref: out.$ref } : out;
  return { anyOf: [inner, { type: 'null' }] };
}

function formatErrors(errors: ErrorObject[] | null | undefined, root: string): SchemaProblem[] {
  return (errors ?? []).map((error) => ({
    where: `${root}${error.instancePath}`,
    message: `${error.message ?? error.keyword}${error.params && Object.keys(error.params).length ? ` ${JSON.stringify(error.params)}` : ''}`
  }));
}

let shared: GitHubOpenApi | undefined;
/** The id under which the description's components are added to ajv (absolute, so refs resolve). */
const DOCUMENT_ID = 'https://api.github.com/openapi';

export class GitHubOpenApi {
  /** The description's `info.version` (the API version it describes). */
  readonly version: string;
  private readonly spec: { paths: Record<string, Record<string, unknown>>; components: Json };
  private readonly ajv: Ajv;
  private readonly routes: {
    method: string;
    regex: RegExp;
    names: string[];
    literal: number;
    operation: Operation;
  }[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  /** The description, loaded and indexed once per test process (13 MB of JSON). */
  static shared(): GitHubOpenApi {
    shared ??= new GitHubOpenApi();
    return shared;
  }

  private constructor() {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as {
      info: { version: string };
      paths: Record<string, Record<string, unknown>>;
      components: Json;
    };
    this.version = raw.info.version;
    this.spec = raw;
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    const components = raw.components;
    this.ajv.addSchema(
      {
        components: {
          schemas: toJsonSchema(components.schemas),
          parameters: toJsonSchema(components.parameters),
          responses: toJsonSchema(components.responses),
          headers: toJsonSchema(components.headers)
        }
      },
      DOCUMENT_ID
    );
    for (const [template, item] of Object.entries(raw.paths)) {
      const shared = ((item.parameters as unknown[]) ?? []).map((p) => this.resolve<Parameter>(p));
      for (const [method, value] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const op = value as Json;
        const parameters = [
          ...shared,
          ...((op.parameters as unknown[]) ?? []).map((p) => this.resolve<Parameter>(p))
        ];
        const operation: Operation = {
          operationId: op.operationId as string,
          method: method.toUpperCase(),
          template,
          parameters,
          ...(op.requestBody ? { requestBody: this.resolve(op.requestBody) } : {}),
          responses: Object.fromEntries(
            Object.entries((op.responses as Json) ?? {}).map(([status, response]) => [
              status,
              this.resolve(response)
            ])
          ) as Operation['responses']
        };
        const names: string[] = [];
        const segments = template.split('/').map((segment) => {
          const param = /^\{(.+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]!);
          const multi = parameters.find((p) => p.name === param[1] && p.in === 'path')?.['x-multi-segment'];
          return multi ? '(.+)' : '([^/]+)';
        });
        this.routes.push({
          method: operation.method,
          regex: new RegExp(`^${segments.join('/')}$`),
          names,
          literal: template.split('/').filter((s) => !s.startsWith('{')).length,
          operation
        });
      }
    }
    // A literal segment beats a parameter (`/environments` before `/{environment_name}`).
    this.routes.sort((a, b) => b.literal - a.literal);
  }

  private resolve<T>(node: unknown): T {
    let current = node as Json;
    for (let depth = 0; typeof current?.$ref === 'string' && depth < 10; depth++) {
      const path = (current.$ref as string).replace(/^#\//, '').split('/');
      current = path.reduce<Json>((at, key) => at[key] as Json, this.spec as unknown as Json);
    }
    return current as T;
  }

  /** The operation GitHub serves at `method path`, or undefined when there is none. */
  match(method: string, path: string): MatchedOperation | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.regex.exec(path);
      if (!found) continue;
      const pathParams: Record<string, string> = {};
      route.names.forEach((name, index) => (pathParams[name] = decodeURIComponent(found[index + 1]!)));
      return { operation: route.operation, pathParams };
    }
    return undefined;
  }

  /** Whether any method is served at `path` (for 404 vs 405-like messages). */
  hasPath(path: string): boolean {
    return this.routes.some((route) => route.regex.test(path));
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      // Schemas refer to `#/components/...`: compile them as fragments of the added document.
      validate = this.ajv.compile({
        $id: `${DOCUMENT_ID}/operation/${encodeURIComponent(key)}`,
        ...(rebase(toJsonSchema(schema)) as Json)
      });
      this.validators.set(key, validate);
    }
    return validate;
  }

  /**
   * Problems with a request GitHub would reject: path parameters of the wrong type, query
   * parameters GitHub does not define (GitHub ignores them, which hides bugs, so the fake is
   * stricter), missing or malformed required ones, and a body that is not what the operation takes.
   */
  validateRequest(
    matched: MatchedOperation,
    request: { query: URLSearchParams; body: unknown; contentType: string | undefined }
  ): SchemaProblem[] {
    const { operation } = matched;
    const problems: SchemaProblem[] = [];
    const check = (where: string, parameter: Parameter, raw: string) => {
      if (!parameter.schema) return;
      const value = coerce(raw, parameter.schema);
      const validate = this.validator(
        `${operation.operationId}:${parameter.in}:${parameter.name}`,
        parameter.schema
      );
      if (!validate(value)) problems.push(...formatErrors(validate.errors, where));
    };
    for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
      check(`path.${parameter.name}`, parameter, matched.pathParams[parameter.name] ?? '');
    }
    const known = new Map(operation.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
    for (const name of new Set(request.query.keys())) {
      const parameter = known.get(name);
      if (!parameter) {
        problems.push({ where: `query.${name}`, message: `is not a parameter of ${operation.operationId}` });
        continue;
      }
      const values = request.query.getAll(name);
      if (values.length > 1) problems.push({ where: `query.${name}`, message: 'is given more than once' });
      check(`query.${name}`, parameter, values[0]!);
      if (name === 'per_page' && Number(values[0]) > 100)
        problems.push({ where: 'query.per_page', message: 'is above 100, the most GitHub returns per page' });
    }
    for (const parameter of known.values()) {
      if (parameter.required && !request.query.has(parameter.name))
        problems.push({ where: `query.${parameter.name}`, message: 'is required' });
    }
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    if (request.body === undefined) {
      if (operation.requestBody?.required) problems.push({ where: 'body', message: 'is required' });
    } else if (!schema) {
      problems.push({ where: 'body', message: `${operation.operationId} takes no JSON body` });
    } else {
      if (!request.contentType?.startsWith('application/json'))
        problems.push({
          where: 'header.content-type',
          message: `is ${request.contentType ?? 'missing'}, not application/json`
        });
      const validate = this.validator(`${operation.operationId}:body`, schema);
      if (!validate(request.body)) problems.push(...formatErrors(validate.errors, 'body'));
    }
    return problems;
  }

  /**
   * Problems with a response: a status the operation does not declare (except GitHub's general
   * errors, which the description leaves out of most operations: those must be a `basic-error`),
   * or a body that does not match the declared schema.
   */
  validateResponse(matched: MatchedOperation, status: number, body: unknown): SchemaProblem[] {
    const { operation } = matched;
    const declared = operation.responses[String(status)] ?? operation.responses.default;
    if (!declared) {
      if ([401, 403, 404, 409, 422, 429].includes(status) || status >= 500) {
        const validate = this.errorValidator();
        return validate(body) ? [] : formatErrors(validate.errors, `response ${status}`);
      }
      return [{ where: `response ${status}`, message: `is not a status ${operation.operationId} declares` }];
    }
    const schema = declared.content?.['application/json']?.schema;
    if (!schema && status >= 400) {
      // Declared without content (e.g. create-deployment's 409): GitHub still sends its error body.
      const validate = this.errorValidator();
      return validate(body) ? [] : formatErrors(validate.errors, `response ${status}`);
    }
    if (!schema) {
      return body === undefined || body === ''
        ? []
        : [{ where: `response ${status}`, message: 'has a body where none is declared' }];
    }
    const validate = this.validator(`${operation.operationId}:response:${status}`, schema);
    return validate(body) ? [] : formatErrors(validate.errors, `response ${status}`);
  }

  /** GitHub's error body: a `basic-error`, which always carries a message. */
  private errorValidator(): ValidateFunction {
    return this.validator('basic-error', {
      allOf: [{ $ref: '#/components/schemas/basic-error' }],
      required: ['message']
    });
  }

  /** An example payload from the description (for objects no corpus file holds). */
  example(name: string): unknown {
    const example = (this.spec.components.examples as Json)[name] as Json | undefined;
    if (!example) throw new Error(`the OpenAPI description has no example ${name}`);
    return structuredClone(example.value);
  }
}

/** `#/components/...` inside an operation's schema → the same place in the added `github` document. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node as Json).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${DOCUMENT_ID}${value}`
        : rebase(value)
    ])
  );
}

/** A query or path string as the parameter's type. */
function coerce(raw: string, schema: Json): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (type === 'array') return raw.split(',');
  return raw;
}
