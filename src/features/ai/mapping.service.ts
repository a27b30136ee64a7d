/**
 * Header mapping: rules first (exact, remembered, normalised, alias, fuzzy), the model only for
 * what the rules leave unresolved. Confirmed mappings are remembered per schema, so a header a
 * person has decided never goes to the model again. A model that is off, unavailable, over budget
 * or failing leaves the rules' answer standing and says why.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Deps } from '../../deps.js';
import { normaliseHeader } from '../../engine/index.js';
import { suggestMappingByRules, type HeaderSuggestion } from '../../engine/mapping/index.js';
import { AppError, errors } from '../../lib/app-error.js';
import { actsOnAllObjects } from '../access/index.js';
import type { AuthContext } from '../identity/index.js';
import { createSchemasService, getSchemaVersion } from '../schemas/index.js';
import type { AiGateway } from './ai-gateway.service.js';
import { aiErrors } from './ai.errors.js';
import * as repo from './ai.repository.js';

const MAX_SAMPLES = 5;
const MAX_SAMPLE_CHARS = 80;
/** Below this the model's guess is not offered as a mapping: the header stays unresolved. */
const MIN_MODEL_CONFIDENCE = 0.5;

const SYSTEM = [
  'You map spreadsheet column headers to the fields of a data schema.',
  'You receive the unresolved headers (and, sometimes, a few sample values per header) and the',
  'candidate fields with their titles, descriptions and types. For every header, answer with the',
  'one field it holds, or null when it holds none of them. Headers may be misspelt, abbreviated,',
  'in another language or carry units and currencies ("Unit Price (EUR)" is a price). Never map two',
  'headers to one field. Confidence is your probability (0 to 1) that the mapping is right; use',
  'null with a low confidence when unsure. Answer only through the record_mapping tool.',
].join(' ');

const MappingOutput = Type.Object({
  mappings: Type.Array(
    Type.Object({
      header: Type.String(),
      field: Type.Union([Type.String(), Type.Null()]),
      confidence: Type.Number({ minimum: 0, maximum: 1 }),
    }),
  ),
});
type MappingOutput = Static<typeof MappingOutput>;

const TOOL = {
  name: 'record_mapping',
  description: 'Record the field each spreadsheet header maps to.',
  input_schema: MappingOutput as unknown as Record<string, unknown>,
};

export interface SuggestInput {
  readonly schema_id: string;
  readonly headers: readonly string[];
  /** Sample values per header (sent only when AI_SAMPLE_VALUES is on). */
  readonly samples?: Readonly<Record<string, readonly unknown[]>>;
}

export type ModelStatus =
  'not_needed' | 'ok' | 'cached' | 'off' | 'unavailable' | 'budget_exceeded' | 'failed';

export interface SuggestResult {
  mappings: HeaderSuggestion[];
  unresolved: string[];
  model: { status: ModelStatus; message: string | null };
}

type MappingDeps = Pick<Deps, 'db' | 'dbRead' | 'config' | 'logger'>;

function modelStatusOf(err: AppError): ModelStatus {
  if (err.code === 'ai_budget_exceeded') return 'budget_exceeded';
  if (err.code === 'ai_failed') return 'failed';
  return err.message.includes('ANTHROPIC_API_KEY') ? 'off' : 'unavailable';
}

export function createMappingService(deps: MappingDeps, gateway: AiGateway) {
  const { db, config } = deps;
  const schemas = createSchemasService(deps);

  /**
   * The schema as the caller sees it: its own, one shared with it, or anyone's with `schema.all`
   * in its effective permissions (an API token's scopes narrow them), as in the schemas API.
   */
  async function schemaFor(auth: AuthContext, schemaId: string) {
    const schema = await getSchemaVersion(db, {
      schemaId,
      userId: auth.userId,
      allObjects: actsOnAllObjects(auth, 'schema'),
    });
    if (schema === null) throw aiErrors.schemaNotFound();
    return schema;
  }

  return {
    /** The rules' answer only (with the schema's remembered mappings): never calls the model. */
    async suggestByRules(
      auth: AuthContext,
      input: { schema_id: string; headers: readonly string[] },
    ): Promise<{ mappings: HeaderSuggestion[]; unresolved: string[] }> {
      const { schema } = await schemaFor(auth, input.schema_id);
      const remembered = await repo.rememberedMappings(db, input.schema_id);
      const rules = suggestMappingByRules(input.headers, schema.fields, { remembered });
      return { mappings: [...rules.mappings], unresolved: [...rules.unresolved] };
    },

    async suggest(auth: AuthContext, input: SuggestInput): Promise<SuggestResult> {
      const { schema } = await schemaFor(auth, input.schema_id);
      const remembered = await repo.rememberedMappings(db, input.schema_id);
      const rules = suggestMappingByRules(input.headers, schema.fields, { remembered });
      const mappings = [...rules.mappings];
      if (rules.unresolved.length === 0) {
        return { mappings, unresolved: [], model: { status: 'not_needed', message: null } };
      }
      const taken = new Set(mappings.map((m) => m.field));
      const candidates = schema.fields.filter((f) => !taken.has(f.name));
      const fieldNames = new Set(candidates.map((f) => f.name));
      const sent = new Set(rules.unresolved);
      const headers = rules.unresolved.map((header) => ({
        header,
        // Sample values leave the deployment only when the setting allows it.
        ...(config.aiSampleValues && input.samples?.[header]
          ? {
              samples: input.samples[header]
                .slice(0, MAX_SAMPLES)
                .map((v) => String(v ?? '').slice(0, MAX_SAMPLE_CHARS)),
            }
          : {}),
      }));
      let output: MappingOutput;
      let cached: boolean;
      try {
        ({ output, cached } = await gateway.call({
          purpose: 'mapping',
          system: SYSTEM,
          tool: TOOL,
          output: MappingOutput,
          check: (o) => {
            const bad = o.mappings.find(
              (m) => !sent.has(m.header) || (m.field !== null && !fieldNames.has(m.field)),
            );
            return bad ? `unknown header or field in ${JSON.stringify(bad)}` : null;
          },
          input: {
            headers,
            fields: candidates.map((f) => ({
              name: f.name,
              type: f.type,
              ...(f.title ? { title: f.title } : {}),
              ...(f.description ? { description: f.description } : {}),
            })),
          },
          kind: config.aiSampleValues ? 'headers+samples' : 'headers',
          items: headers.length,
          maxTokens: 200 + 60 * headers.length,
          userId: auth.userId,
        }));
      } catch (err) {
        if (!(err instanceof AppError) || !err.code.startsWith('ai_')) throw err;
        return {
          mappings,
          unresolved: [...rules.unresolved],
          model: { status: modelStatusOf(err), message: err.message },
        };
      }
      const byHeader = new Map<string, HeaderSuggestion>();
      for (const m of output.mappings) {
        if (m.field === null || m.confidence < MIN_MODEL_CONFIDENCE || taken.has(m.field)) continue;
        taken.add(m.field);
        byHeader.set(m.header, {
          header: m.header,
          field: m.field,
          confidence: m.confidence,
          source: 'model',
        });
      }
      const unresolved: string[] = [];
      for (const header of rules.unresolved) {
        const s = byHeader.get(header);
        if (s) mappings.push(s);
        else unresolved.push(header);
      }
      const order = new Map(input.headers.map((h, i) => [h, i]));
      mappings.sort((a, b) => (order.get(a.header) ?? 0) - (order.get(b.header) ?? 0));
      return { mappings, unresolved, model: { status: cached ? 'cached' : 'ok', message: null } };
    },

    /** Remembers a person's decisions for the schema: header → field, or null for "not a field". */
    async confirm(
      auth: AuthContext,
      input: { schema_id: string; mappings: readonly { header: string; field: string | null }[] },
    ): Promise<{ saved: number }> {
      // Remembered mappings apply to every upload validated with the schema (the owner's too):
      // remembering is changing the schema. So it needs `change_schema` (an API token's scopes
      // included), and a schema shared with the caller view-only is 403 `shared_read_only`, one it
      // cannot see 404.
      await schemas.findChangeable(auth, input.schema_id);
      if (!auth.permissions?.has('change_schema'))
        throw errors.forbidden('Remembering a header mapping changes the schema: it needs change_schema.');
      const { schema } = await schemaFor(auth, input.schema_id);
      const names = new Set(schema.fields.map((f) => f.name));
      const unknown = input.mappings
        .filter((m) => m.field !== null && !names.has(m.field))
        .map((m) => m.field as string);
      if (unknown.length > 0) throw aiErrors.unknownFields(unknown);
      const byKey = new Map<string, { headerKey: string; header: string; field: string | null }>();
      for (const m of input.mappings) {
        const headerKey = normaliseHeader(m.header);
        if (headerKey === '') continue;
        byKey.set(headerKey, { headerKey, header: m.header.trim(), field: m.field });
      }
      await repo.upsertMappings(db, input.schema_id, auth.userId, [...byKey.values()]);
      return { saved: byKey.size };
    },
  };
}

/**
 * The confirmed header → field mapping of a schema, in the form `validateFile({ headerMapping })`
 * takes (headers confirmed as "not a field" are left out).
 */
export async function confirmedHeaderMapping(
  db: Deps['db'],
  schemaId: string,
): Promise<Record<string, string | null>> {
  const remembered = await repo.rememberedMappings(db, schemaId);
  // Keys are normalised headers, which the engine's matcher also looks up; null = "not a field",
  // which the engine ignores instead of reporting an extra column.
  return Object.fromEntries(remembered);
}

export type MappingService = ReturnType<typeof createMappingService>;
