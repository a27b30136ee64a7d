/**
 * Form building blocks: labelled inputs with inline errors (aria-describedby ties the message to
 * the control), buttons, alerts and the hidden CSRF field. Attribute values are escaped by
 * @kitajs/html; text children from user data always go through `safe`.
 */
import type { Children } from '@kitajs/html';
import type { AppError } from '../../lib/app-error.js';

/** Field name → message, for inline errors next to the controls. */
export type FieldErrors = Readonly<Record<string, string>>;

/** Maps an AppError's details (`body.email`, `email`) to field errors by the last path part. */
export function fieldErrorsOf(error: AppError): FieldErrors {
  const out: Record<string, string> = {};
  for (const d of error.details) {
    const field = typeof d.field === 'string' ? (d.field.split('.').pop() ?? d.field) : '';
    if (field && !out[field]) out[field] = String(d.message ?? error.message);
  }
  return out;
}

export const inputClass =
  'block w-full rounded-md border border-slate-400 bg-white px-3 py-2 text-slate-900 shadow-sm ' +
  'focus:border-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-600 aria-[invalid=true]:border-red-700';

export interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly type?: string;
  readonly value?: string;
  readonly error?: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly id?: string;
}

export function Field(props: FieldProps): JSX.Element {
  const id = props.id ?? `f-${props.name}`;
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class="space-y-1">
      <label for={id} class="block text-sm font-medium text-slate-800" safe>
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described || undefined}
        class={inputClass}
      />
      {props.hint ? (
        <p id={`${id}-hint`} class="text-sm text-slate-600" safe>
          {props.hint}
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p id={`${id}-error`} class="text-sm font-medium text-red-700" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

export interface SelectProps {
  readonly name: string;
  readonly label: string;
  readonly options: ReadonlyArray<{ value: string; label: string }>;
  readonly value?: string;
  readonly error?: string;
  readonly id?: string;
  readonly required?: boolean;
}

export function Select(props: SelectProps): JSX.Element {
  const id = props.id ?? `f-${props.name}`;
  return (
    <div class="space-y-1">
      <label for={id} class="block text-sm font-medium text-slate-800" safe>
        {props.label}
      </label>
      <select
        id={id}
        name={props.name}
        required={props.required}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        class={inputClass}
      >
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} safe>
            {o.label}
          </option>
        ))}
      </select>
      {props.error ? (
        <p id={`${id}-error`} class="text-sm font-medium text-red-700" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
    </div>
  );
}

export function CsrfField({ token }: { token: string }): JSX.Element {
  return <input type="hidden" name="_csrf" value={token} />;
}

const BUTTON = {
  primary: 'bg-indigo-700 text-white hover:bg-indigo-800',
  secondary: 'border border-slate-400 bg-white text-slate-800 hover:bg-slate-100',
  danger: 'bg-red-700 text-white hover:bg-red-800',
} as const;

export const buttonClass = (variant: keyof typeof BUTTON = 'primary'): string =>
  `inline-flex items-center justify-center rounded-md px-4 py-2 text-sm font-semibold focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:ring-offset-2 disabled:opacity-60 ${BUTTON[variant]}`;

export function Button(props: {
  readonly children?: Children;
  readonly variant?: keyof typeof BUTTON;
  readonly type?: 'submit' | 'button';
  readonly name?: string;
  readonly value?: string;
  readonly id?: string;
}): JSX.Element {
  return (
    <button
      type={props.type ?? 'submit'}
      name={props.name}
      value={props.value}
      id={props.id}
      class={buttonClass(props.variant)}
    >
      {props.children}
    </button>
  );
}

/** A message box; `error` uses role=alert so screen readers announce it. */
export function Alert(props: {
  readonly kind?: 'error' | 'info' | 'success';
  readonly message: string;
}): JSX.Element {
  const kind = props.kind ?? 'error';
  const cls = {
    error: 'border-red-300 bg-red-50 text-red-800',
    info: 'border-sky-300 bg-sky-50 text-sky-900',
    success: 'border-green-300 bg-green-50 text-green-900',
  }[kind];
  return (
    <div
      role={kind === 'error' ? 'alert' : 'status'}
      class={`my-3 rounded-md border px-4 py-3 text-sm ${cls}`}
      safe
    >
      {props.message}
    </div>
  );
}

/** A white panel with an optional heading. */
export function Card(props: {
  readonly title?: string;
  readonly children?: Children;
  readonly id?: string;
}): JSX.Element {
  return (
    <section id={props.id} class="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      {props.title ? (
        <h2 class="mb-3 text-lg font-semibold" safe>
          {props.title}
        </h2>
      ) : (
        ''
      )}
      {props.children}
    </section>
  );
}
