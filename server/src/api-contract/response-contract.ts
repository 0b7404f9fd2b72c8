import { createAjv, formatSchemaErrors } from '@trygg/protocol';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import { TryggError } from '../errors';

/**
 * What a route's answer that does not match its schema does:
 * - `enforce`: the request fails (500, TRYGG_SRV_INTERNAL) — tests and development, where a slip
 *   must be loud;
 * - `report`: the answer goes out as it is, logged (TRYGG_SRV_RESPONSE_CONTRACT) and counted — a
 *   running office, where an alarm list that grew a field must still reach the console.
 */
export type ResponseContractMode = 'enforce' | 'report';

// Schemas are module constants in @trygg/protocol: compiled once per process, not per app.
const ajv = createAjv();
type ValidateFunction = ReturnType<typeof ajv.compile>;
const compiled = new WeakMap<object, ValidateFunction>();
function validatorFor(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/**
 * Answers are checked against the route's response schema and written with JSON.stringify.
 * Fastify's default (fast-json-stringify) would silently drop every property the schema does not
 * name; here a field missing from the contract is an error to fix, never data lost on the way.
 */
export function checkResponses(app: FastifyInstance, opts: { mode: ResponseContractMode; logger: FastifyBaseLogger; violations: Counter<'route'> }): void {
  app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
    const validate = validatorFor(schema as object);
    const route = `${method} ${url} ${httpStatus}`;
    return (data: unknown) => {
      if (!validate(data)) {
        const problems = formatSchemaErrors(validate.errors).slice(0, 10);
        opts.violations.inc({ route });
        opts.logger.error({ code: 'TRYGG_SRV_RESPONSE_CONTRACT', route, problems }, 'answer does not match its schema');
        if (opts.mode === 'enforce') throw new TryggError('TRYGG_SRV_RESPONSE_CONTRACT', [route, problems.join('; ')]);
      }
      return JSON.stringify(data);
    };
  });
}
