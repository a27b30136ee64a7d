/**
 * The upload page. A plain multipart form (works without JavaScript); app.js adds drag-and-drop
 * and a real progress bar (XHR upload events), then follows the redirect to the report page,
 * where the validation progress shows live.
 */
import { progressClass } from './upload-status.view.js';
import {
  Alert,
  Card,
  CsrfField,
  Field,
  Layout,
  Select,
  buttonClass,
  type PageContext,
} from '../../../web/index.js';

export interface UploadFormState {
  readonly schemas: ReadonlyArray<{ id: string; name: string; version: number }>;
  readonly schemaId?: string;
  readonly sheet?: string;
  readonly message?: string;
  readonly errors?: Readonly<Record<string, string>>;
  readonly maxMb: number;
}

export function UploadPage({ page, state }: { page: PageContext; state: UploadFormState }): JSX.Element {
  const errors = state.errors ?? {};
  // Multipart bodies are streamed by the route, so the CSRF token also rides in the URL.
  const action = `/uploads?_csrf=${encodeURIComponent(page.csrfToken)}`;
  return (
    <Layout title="Upload" user={page.user} csrfToken={page.csrfToken} active="upload">
      <h1 class="mb-4 text-2xl font-bold">Upload a spreadsheet</h1>
      <Card>
        {state.message ? <Alert message={state.message} /> : ''}
        {state.schemas.length === 0 ? (
          <div
            role="status"
            class="my-3 rounded-md border border-sky-300 bg-sky-50 px-4 py-3 text-sm text-sky-900"
          >
            You have no schema yet.{' '}
            <a href="/schemas" class="font-medium underline">
              Create one from a sample file
            </a>
            , then upload files to check against it.
          </div>
        ) : (
          ''
        )}
        <form method="post" action={action} enctype="multipart/form-data" class="space-y-5" data-upload-form>
          <CsrfField token={page.csrfToken} />
          <Select
            name="schema_id"
            label="Schema to check against"
            value={state.schemaId}
            error={errors.schema_id}
            required
            options={[
              { value: '', label: 'Choose a schema…' },
              ...state.schemas.map((s) => ({ value: s.id, label: `${s.name} (v${s.version})` })),
            ]}
          />
          <div class="space-y-1">
            <label for="f-file" class="block text-sm font-medium text-slate-800">
              Spreadsheet (.xlsx or .csv, up to {String(state.maxMb)} MB)
            </label>
            <div
              data-dropzone
              class="rounded-lg border-2 border-dashed border-slate-400 bg-slate-50 p-6 text-center"
            >
              <p class="mb-2 text-sm text-slate-700">Drop the file here, or choose it:</p>
              <input
                id="f-file"
                name="file"
                type="file"
                required
                accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                aria-invalid={errors.file ? 'true' : undefined}
                aria-describedby={errors.file ? 'f-file-error' : undefined}
                class="mx-auto block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-indigo-700 file:px-3 file:py-2 file:font-semibold file:text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
              />
              <p class="mt-2 text-sm font-medium text-slate-800" data-file-name></p>
            </div>
            {errors.file ? (
              <p id="f-file-error" class="text-sm font-medium text-red-700" safe>
                {errors.file}
              </p>
            ) : (
              ''
            )}
          </div>
          <Field
            name="sheet"
            label="Sheet (optional)"
            value={state.sheet}
            error={errors.sheet}
            hint="For workbooks with several sheets; the first sheet is used when empty."
          />
          <progress
            data-upload-progress
            hidden
            max="100"
            value="0"
            class={progressClass}
            aria-label="Upload progress"
          ></progress>
          <p data-upload-status class="text-sm text-slate-700" aria-live="polite"></p>
          <button type="submit" class={buttonClass()}>
            Upload and validate
          </button>
        </form>
      </Card>
    </Layout>
  );
}
