/**
 * Liveness and readiness. /health does no I/O: it answers while the process can. /ready checks
 * what a request needs (the database, and Redis when configured) with a short timeout, and names
 * what failed in a 503 so an orchestrator's log says why.
 */
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';

const CHECK_TIMEOUT_MS = 2000;

const Status = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('error')]) });

const ReadyBody = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  database: Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
    kind: Type.Union([Type.Literal('embedded'), Type.Literal('external')]),
  }),
  redis: Type.Union([Status, Type.Null()]),
});

/** The 503 body: the readiness report plus the standard error fields. */
const NotReadyBody = Type.Intersect([
  ReadyBody,
  Type.Object({
    error: Type.String(),
    message: Type.String(),
    details: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
    request_id: Type.String(),
  }),
]);

/** Resolves true when `check` succeeds within the timeout; never rejects. */
async function probe(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<{ deps: Deps }> = async (instance, { deps }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/health',
    {
      config: { requires: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { requires: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database (and Redis when configured) answer',
        response: { 200: ReadyBody, 503: NotReadyBody },
      },
    },
    async (request, reply) => {
      const [databaseOk, redisOk] = await Promise.all([
        probe(() => sql`select 1`.execute(deps.db)),
        deps.kv.kind === 'redis' ? probe(() => deps.kv.ping()) : Promise.resolve(null),
      ]);
      const report = {
        database: { status: databaseOk ? ('ok' as const) : ('error' as const), kind: deps.databaseKind },
        redis: redisOk === null ? null : { status: redisOk ? ('ok' as const) : ('error' as const) },
      };
      const failed = [...(databaseOk ? [] : ['database']), ...(redisOk === false ? ['redis'] : [])];
      if (failed.length === 0) return reply.code(200).send({ status: 'ready' as const, ...report });

      request.log.warn({ failed }, 'not ready');
      return reply.code(503).send({
        status: 'unavailable' as const,
        ...report,
        error: 'not_ready',
        message: `Not ready: ${failed.join(', ')} unreachable.`,
        details: failed.map((field) => ({ field, message: 'is unreachable' })),
        request_id: request.id,
      });
    },
  );
};
