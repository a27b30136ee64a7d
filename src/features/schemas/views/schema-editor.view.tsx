/**
 * The schema editor: name and description, one row of inputs per field, and the raw JSON view.
 * Without scripts it is a plain form (one blank row adds a field; the JSON textarea is the other
 * way to save); schema-editor.client.js adds add/remove/reorder and keeps the JSON in sync. All user text goes through `safe` or an attribute.
 */
import { draftFromSchema, FIELD_TYPES, type FieldDraft } from './schema-form.js';

export interface SchemaEditorProps {
  /** Where the form posts: `/schemas` (create) or `/schemas/<id>` (new version). */
  action: string;
  csrfToken: string;
  name: string;
  description: string;
  definition: Record<string, unknown>;
  /** The engine's `schema_invalid` message (or another save error), shown above the form. */
  error?: string | null;
  /** For an existing schema: its id and current version, for the versions and template links. */
  existing?: { id: string; version: number } | null;
  /** The version loaded into the form, when it is an older one than `existing.version`. */
  shownVersion?: number;
  /** Shown for a draft inferred from a sample (nothing saved yet). */
  inferredFrom?: string | null;
  /** Why the caller may read but not change this schema (shared with it view-only, or no `change_schema`); hides the save buttons. */
  readOnly?: string | null;
}

const input =
  'mt-1 block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm text-slate-900 ' +
  'focus:border-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-600';
const smallButton =
  'rounded-md border border-slate-400 bg-white px-2 py-1 text-xs font-medium text-slate-800 ' +
  'hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-700';
const primaryButton =
  'rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800 ' +
  'focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';
const secondaryButton =
  'rounded-md border border-slate-400 bg-white px-4 py-2 text-sm font-semibold text-slate-800 ' +
  'hover:bg-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-700';

const TEXT_PROPS = [
  ['minimum', 'Minimum', 'number or date'],
  ['maximum', 'Maximum', 'number or date'],
  ['pattern', 'Pattern', 'regular expression'],
  ['enum', 'Allowed values', 'comma-separated'],
  ['aliases', 'Header aliases', 'comma-separated'],
] as const;

/**
 * One field row. Names are `f.<index>.<prop>`; the client script renumbers them after adding,
 * removing or moving rows, so the server always reads the fields in screen order.
 */
function FieldRow({
  index,
  field,
  blank,
}: {
  index: number;
  field: FieldDraft;
  blank?: boolean;
}): JSX.Element {
  const id = (prop: string) => `field-${index}-${prop}`;
  const key = (prop: string) => `f.${index}.${prop}`;
  return (
    <fieldset
      class="rounded-md border border-slate-300 bg-white p-3"
      data-field-row
      data-blank={blank ? '' : undefined}
    >
      <legend class="px-1 text-sm font-semibold text-slate-800">
        Field <span data-row-number>{String(index + 1)}</span>
        {blank ? ' (new)' : ''}
      </legend>
      <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <label class="text-sm text-slate-800" for={id('name')} data-label-for="name">
            Name
          </label>
          <input class={input} id={id('name')} name={key('name')} value={field.name} data-prop="name" />
        </div>
        <div>
          <label class="text-sm text-slate-800" for={id('type')} data-label-for="type">
            Type
          </label>
          <select class={input} id={id('type')} name={key('type')} data-prop="type">
            {FIELD_TYPES.map((t) => (
              <option value={t} selected={t === field.type}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div class="flex items-end gap-4 pb-1">
          <label class="flex items-center gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              class="h-4 w-4"
              name={key('required')}
              checked={field.required}
              data-prop="required"
            />
            Required
          </label>
          <label class="flex items-center gap-2 text-sm text-slate-800">
            <input
              type="checkbox"
              class="h-4 w-4"
              name={key('unique')}
              checked={field.unique}
              data-prop="unique"
            />
            Unique
          </label>
        </div>
        {TEXT_PROPS.map(([prop, label, hint]) => (
          <div>
            <label class="text-sm text-slate-800" for={id(prop)} data-label-for={prop}>
              {label} <span class="text-slate-600">({hint})</span>
            </label>
            <input class={input} id={id(prop)} name={key(prop)} value={field[prop]} data-prop={prop} />
          </div>
        ))}
      </div>
      <input type="hidden" name={key('extra')} value={field.extra} data-prop="extra" />
      <div class="mt-3 flex flex-wrap gap-2" hidden data-js-only>
        <button type="button" class={smallButton} data-move="-1" data-row-action="Move up">
          Move up
        </button>
        <button type="button" class={smallButton} data-move="1" data-row-action="Move down">
          Move down
        </button>
        <button type="button" class={`${smallButton} text-red-800`} data-remove data-row-action="Remove">
          Remove
        </button>
      </div>
    </fieldset>
  );
}

const BLANK: FieldDraft = {
  name: '',
  type: 'string',
  required: false,
  unique: false,
  minimum: '',
  maximum: '',
  pattern: '',
  enum: '',
  aliases: '',
  extra: '',
};

export function SchemaEditorView(props: SchemaEditorProps): JSX.Element {
  const draft = draftFromSchema(props.definition);
  const json = JSON.stringify(props.definition, null, 2);
  return (
    <div class="space-y-4">
      {props.inferredFrom ? (
        <p class="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm text-sky-900">
          Draft inferred from <strong safe>{props.inferredFrom}</strong>. Check the fields, then save to
          create the schema.
        </p>
      ) : null}
      {props.error ? (
        <div
          role="alert"
          id="schema-error"
          class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          <p class="font-semibold">The schema was not saved.</p>
          <p safe>{props.error}</p>
        </div>
      ) : null}
      {props.existing ? (
        <p class="flex flex-wrap gap-4 text-sm">
          <span class="text-slate-700">
            {props.shownVersion !== undefined && props.shownVersion !== props.existing.version
              ? `Showing version ${props.shownVersion} of ${props.existing.version}; saving makes version ${props.existing.version + 1}`
              : `Version ${props.existing.version}`}
          </span>
          <a class="text-indigo-800 underline" href={`/schemas/${props.existing.id}/versions`}>
            Versions
          </a>
          <a class="text-indigo-800 underline" href={`/api/v1/schemas/${props.existing.id}/template.xlsx`}>
            Download template workbook
          </a>
        </p>
      ) : null}
      <form
        method="post"
        action={props.action}
        class="space-y-4"
        data-schema-editor
        aria-describedby={props.error ? 'schema-error' : undefined}
      >
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="schema_extra" value={draft.extra} data-schema-extra />
        <div class="grid gap-3 sm:grid-cols-2">
          <label class="text-sm font-medium text-slate-800" for="schema-name">
            Name
            <input class={input} id="schema-name" name="name" required maxlength="200" value={props.name} />
          </label>
          <label class="text-sm font-medium text-slate-800" for="schema-description">
            Description
            <input
              class={input}
              id="schema-description"
              name="description"
              maxlength="2000"
              value={props.description}
            />
          </label>
        </div>
        <section aria-labelledby="fields-heading" class="space-y-3">
          <h2 id="fields-heading" class="text-lg font-semibold text-slate-900">
            Fields
          </h2>
          <div class="space-y-3" data-field-list>
            {draft.fields.map((field, index) => (
              <FieldRow index={index} field={field} />
            ))}
            <FieldRow index={draft.fields.length} field={BLANK} blank />
          </div>
          <template data-field-template>
            <FieldRow index={0} field={BLANK} />
          </template>
          <p class="text-sm text-slate-700" data-nojs-only>
            Fill in the last row to add a field; leave it empty to add none.
          </p>
          <button type="button" class={smallButton} hidden data-js-only data-add-field>
            Add field
          </button>
        </section>
        <section aria-labelledby="json-heading" class="space-y-2">
          <h2 id="json-heading" class="text-lg font-semibold text-slate-900">
            Raw JSON
          </h2>
          <label for="schema-json" class="text-sm text-slate-700">
            The Table Schema as JSON. Edits here update the fields above.
          </label>
          <textarea
            id="schema-json"
            name="schema_json"
            rows="14"
            spellcheck="false"
            class={`${input} font-mono text-xs`}
            data-schema-json
            safe
          >
            {json}
          </textarea>
          <p class="text-sm text-red-800" role="status" data-json-status></p>
        </section>
        {props.readOnly ? (
          <p class="text-sm text-slate-700" data-read-only safe>
            {props.readOnly}
          </p>
        ) : (
          <div class="flex flex-wrap gap-3">
            <button type="submit" name="source" value="fields" class={primaryButton}>
              Save schema
            </button>
            <button type="submit" name="source" value="json" class={secondaryButton}>
              Save from JSON
            </button>
          </div>
        )}
      </form>
    </div>
  );
}
