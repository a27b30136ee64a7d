/**
 * Route schemas shared by the page plugins. Page forms are parsed and checked by the services
 * (which render field errors next to the inputs), so the body schema only says "a form object";
 * `hide` keeps pages out of the OpenAPI document.
 */
export const PAGE_FORM_SCHEMA = { hide: true, body: { type: 'object', additionalProperties: true } } as const;

/** `:id` of a resource whose service answers 404 for any unknown id, well-formed or not. */
export const PAGE_ID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 } },
  required: ['id'],
} as const;

/** `:id` that must be a UUID before it reaches the database. */
export const PAGE_UUID_PARAMS = {
  type: 'object',
  properties: { id: { type: 'string', format: 'uuid' } },
  required: ['id'],
} as const;

/** A text link inside page content (AA contrast on white). */
export const LINK_CLASS = 'font-medium text-indigo-800 underline hover:text-indigo-950';
