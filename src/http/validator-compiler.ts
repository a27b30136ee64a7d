/**
 * Request validation. Two AJV instances from Fastify's own compiler (so formats, $ref to shared
 * schemas and caching behave as stock Fastify):
 * - bodies are validated strictly: no type coercion (`"5"` is not a number in JSON), and
 * - querystrings, params and headers coerce, because everything there arrives as a string
 *   (`?limit=10` must satisfy an integer schema).
 * Both keep unknown fields (`removeAdditional: false`) so `additionalProperties: false` rejects
 * them with a 422 instead of dropping them silently, and report every error, not just the first.
 * allErrors is bounded by the body size limit and by schemas capping array lengths.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';

type RouteValidatorCompiler = FastifySchemaCompiler<unknown>;
/** What Fastify calls: external schemas in, a per-route compiler out. */
type ValidatorFactory = (
  externalSchemas: Record<string, unknown>,
  options?: unknown,
) => RouteValidatorCompiler;
/** The slot in Fastify's options; its typing inherits the same mistake, hence one cast below. */
type FastifyValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

const baseOptions = {
  removeAdditional: false,
  allErrors: true,
  useDefaults: true,
} as const;

/** Fastify `schemaController.compilersFactory.buildValidator` with per-part coercion. */
export function createValidatorFactory(): FastifyValidatorFactory {
  return buildValidatorFactory() as unknown as FastifyValidatorFactory;
}

function buildValidatorFactory(): ValidatorFactory {
  const fromPool = AjvCompiler();
  // The package's typings describe the returned function as taking a bare schema; at runtime it
  // takes Fastify's route definition ({ schema, method, url, httpPart }).
  const build = (externalSchemas: Record<string, unknown>, coerceTypes: false | 'array') =>
    fromPool(externalSchemas as never, {
      customOptions: { ...baseOptions, coerceTypes },
    }) as unknown as RouteValidatorCompiler;
  return (externalSchemas) => {
    const strict = build(externalSchemas, false);
    const coercing = build(externalSchemas, 'array');
    return (route: FastifyRouteSchemaDef<unknown>) =>
      route.httpPart === 'body' ? strict(route) : coercing(route);
  };
}
