/**
 * A secret shown exactly once (a new API token, a webhook signing secret), with a copy button
 * (the Alpine component `copyable` in src/web/client/app.js). The page that renders it is the only place the
 * value ever appears: it is stored hashed or sealed.
 */
import { buttonClass } from './form.js';

export function ShownOnce(props: {
  readonly id: string;
  readonly title: string;
  readonly value: string;
  readonly note: string;
}): JSX.Element {
  return (
    <section
      aria-labelledby={`${props.id}-title`}
      class="mb-6 rounded-lg border border-green-300 bg-green-50 p-4 text-green-950"
      role="status"
      x-data="copyable"
    >
      <h2 id={`${props.id}-title`} class="text-lg font-semibold" safe>
        {props.title}
      </h2>
      <p class="mt-1 text-sm" safe>
        {props.note}
      </p>
      <div class="mt-3 flex flex-wrap items-center gap-3">
        <code
          id={props.id}
          x-ref="value"
          class="break-all rounded border border-green-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
          safe
        >
          {props.value}
        </code>
        <button type="button" class={buttonClass('secondary')} x-on:click="copy" x-text="label">
          Copy
        </button>
      </div>
    </section>
  );
}
