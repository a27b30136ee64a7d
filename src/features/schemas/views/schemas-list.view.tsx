/** The schemas list, with "new schema" and "create from a sample file" (inference, then edit). */
import type { SchemaResource, SchemaVersionResource } from '../schemas.service.js';
import { LINK_CLASS } from '../../../web/page-schemas.js';

const button =
  'inline-flex items-center rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800 ' +
  'focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

function fieldCount(schema: Record<string, unknown>): number {
  return Array.isArray(schema.fields) ? schema.fields.length : 0;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

export interface SchemasListProps {
  schemas: SchemaResource[];
  nextCursor: string | null;
  csrfToken: string;
  canAdd: boolean;
  /** An error from "create from sample" (unreadable file, …). */
  sampleError?: string | null;
}

export function SchemasListView(props: SchemasListProps): JSX.Element {
  return (
    <div class="space-y-6">
      <div class="flex flex-wrap items-center justify-between gap-3">
        <h1 class="text-2xl font-bold text-slate-900">Schemas</h1>
        {props.canAdd ? (
          <a class={button} href="/schemas/new">
            New schema
          </a>
        ) : null}
      </div>
      {props.canAdd ? (
        <section
          aria-labelledby="sample-heading"
          class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
        >
          <h2 id="sample-heading" class="text-lg font-semibold text-slate-900">
            Create from a sample file
          </h2>
          <p class="mt-1 text-sm text-slate-700">
            Upload an .xlsx or .csv file; Intake infers the columns and types and opens the editor with the
            draft. Nothing is saved until you save it.
          </p>
          {props.sampleError ? (
            <p
              role="alert"
              class="mt-2 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900"
              safe
            >
              {props.sampleError}
            </p>
          ) : null}
          <form
            method="post"
            action={`/schemas/infer?_csrf=${encodeURIComponent(props.csrfToken)}`}
            enctype="multipart/form-data"
            class="mt-3 flex flex-wrap items-end gap-3"
          >
            <label class="text-sm font-medium text-slate-800" for="sample-file">
              Sample file
              <input
                id="sample-file"
                name="file"
                type="file"
                required
                accept=".xlsx,.csv,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                class="mt-1 block text-sm text-slate-900 file:mr-3 file:rounded-md file:border file:border-slate-400 file:bg-white file:px-3 file:py-1.5"
              />
            </label>
            <button type="submit" class={button}>
              Infer schema
            </button>
          </form>
        </section>
      ) : null}
      {props.schemas.length === 0 ? (
        <p class="text-slate-700">No schemas yet.</p>
      ) : (
        <div class="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table class="min-w-full divide-y divide-slate-200 text-sm">
            <caption class="sr-only">Your schemas</caption>
            <thead class="bg-slate-50 text-left text-slate-700">
              <tr>
                <th scope="col" class="px-4 py-2 font-semibold">
                  Name
                </th>
                <th scope="col" class="px-4 py-2 font-semibold">
                  Fields
                </th>
                <th scope="col" class="px-4 py-2 font-semibold">
                  Version
                </th>
                <th scope="col" class="px-4 py-2 font-semibold">
                  Updated
                </th>
                <th scope="col" class="px-4 py-2 font-semibold">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
              {props.schemas.map((s) => (
                <tr>
                  <td class="px-4 py-2">
                    <a class={LINK_CLASS} href={`/schemas/${s.id}`} safe>
                      {s.name}
                    </a>
                    {s.description ? (
                      <p class="text-slate-600" safe>
                        {s.description}
                      </p>
                    ) : null}
                  </td>
                  <td class="px-4 py-2">{String(fieldCount(s.schema))}</td>
                  <td class="px-4 py-2">{String(s.version)}</td>
                  <td class="px-4 py-2 whitespace-nowrap">{day(s.updated_at)}</td>
                  <td class="px-4 py-2 whitespace-nowrap">
                    <a class={LINK_CLASS} href={`/schemas/${s.id}/versions`}>
                      Versions
                    </a>
                    {' · '}
                    <a class={LINK_CLASS} href={`/api/v1/schemas/${s.id}/template.xlsx`}>
                      Template
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextCursor ? (
        <a class={LINK_CLASS} href={`/schemas?cursor=${encodeURIComponent(props.nextCursor)}`}>
          Next page
        </a>
      ) : null}
    </div>
  );
}

export interface SchemaVersionsProps {
  schema: SchemaResource;
  versions: SchemaVersionResource[];
  nextCursor: string | null;
  csrfToken: string;
  canDelete: boolean;
}

export function SchemaVersionsView(props: SchemaVersionsProps): JSX.Element {
  const { schema } = props;
  return (
    <div class="space-y-4">
      <p class="text-sm">
        <a class={LINK_CLASS} href="/schemas">
          Schemas
        </a>{' '}
        /{' '}
        <a class={LINK_CLASS} href={`/schemas/${schema.id}`} safe>
          {schema.name}
        </a>
      </p>
      <h1 class="text-2xl font-bold text-slate-900">Versions</h1>
      <ol class="space-y-3">
        {props.versions.map((v) => (
          <li class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <details>
              <summary class="cursor-pointer text-sm font-semibold text-slate-900">
                Version {String(v.version)} · {v.created_at.replace('T', ' ').slice(0, 16)} UTC ·{' '}
                {String(fieldCount(v.schema))} fields
              </summary>
              <pre class="mt-2 overflow-x-auto rounded bg-slate-100 p-3 text-xs text-slate-900" safe>
                {JSON.stringify(v.schema, null, 2)}
              </pre>
            </details>
            <p class="mt-2 flex flex-wrap gap-4 text-sm">
              <a class={LINK_CLASS} href={`/schemas/${schema.id}?version=${v.version}`}>
                Edit from this version
              </a>
              <a class={LINK_CLASS} href={`/api/v1/schemas/${schema.id}/template.xlsx?version=${v.version}`}>
                Template workbook
              </a>
            </p>
          </li>
        ))}
      </ol>
      {props.nextCursor ? (
        <a
          class={LINK_CLASS}
          href={`/schemas/${schema.id}/versions?cursor=${encodeURIComponent(props.nextCursor)}`}
        >
          Older versions
        </a>
      ) : null}
      {props.canDelete ? (
        <details class="rounded-lg border border-red-200 bg-white p-4">
          <summary class="cursor-pointer text-sm font-semibold text-red-800">Delete this schema…</summary>
          <form method="post" action={`/schemas/${schema.id}/delete`} class="mt-3 space-y-2">
            <input type="hidden" name="_csrf" value={props.csrfToken} />
            <p class="text-sm text-slate-700">
              Uploads keep the version they used. The schema disappears from your list.
            </p>
            <button
              type="submit"
              class="rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-red-700"
            >
              Delete schema
            </button>
          </form>
        </details>
      ) : null}
    </div>
  );
}
