import type { Field } from '../schema/types.js';
import { escapeXml } from './xml-text.js';

/** Excel's limits on data-validation text (longer text makes Excel drop or repair the rule). */
const MAX_INLINE_LIST_CHARS = 255;
const MAX_PROMPT_TITLE = 32;
const MAX_PROMPT = 255;

export type EnumItem = string | number | boolean;

/** Where a column's dropdown list lives: inline in the rule, or a range of the hidden Lists sheet. */
export type ListSource = { readonly inline: readonly string[] } | { readonly range: string };

/** An inline list is a comma-separated string: items with commas or quotes cannot be in one. */
export function fitsInline(items: readonly EnumItem[]): boolean {
  const texts = items.map(enumText);
  return texts.every((t) => !/[,"]/.test(t)) && texts.join(',').length <= MAX_INLINE_LIST_CHARS;
}

export function enumText(item: EnumItem): string {
  return typeof item === 'boolean' ? (item ? 'TRUE' : 'FALSE') : String(item);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function numberOrNull(value: number | string | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The `<dataValidation>` for one column (sqref like `B2:B1048576`), or null when the field needs
 * none: enum → dropdown list; numeric bounds → whole/decimal; length bounds → textLength; a bare
 * description → an input message only.
 */
export function dataValidationXml(field: Field, sqref: string, list: ListSource | null): string | null {
  const c = field.constraints ?? {};
  const attrs: string[] = [];
  let formulas = '';
  let error = '';
  const bounds = (min: number | null, max: number | null, what: string): boolean => {
    if (min === null && max === null) return false;
    if (min !== null && max !== null) {
      attrs.push('operator="between"');
      formulas = `<formula1>${min}</formula1><formula2>${max}</formula2>`;
      error = `Enter ${what} between ${min} and ${max}.`;
    } else if (min !== null) {
      attrs.push('operator="greaterThanOrEqual"');
      formulas = `<formula1>${min}</formula1>`;
      error = `Enter ${what} of at least ${min}.`;
    } else {
      attrs.push('operator="lessThanOrEqual"');
      formulas = `<formula1>${max}</formula1>`;
      error = `Enter ${what} of at most ${max}.`;
    }
    return true;
  };

  let type: string | null = null;
  if (list) {
    type = 'list';
    formulas =
      'inline' in list
        ? `<formula1>"${escapeXml(list.inline.join(','))}"</formula1>`
        : `<formula1>${escapeXml(list.range)}</formula1>`;
    error = 'Choose a value from the list.';
  } else if (field.type === 'integer' || field.type === 'number') {
    const what = field.type === 'integer' ? 'a whole number' : 'a number';
    if (bounds(numberOrNull(c.minimum), numberOrNull(c.maximum), what)) {
      type = field.type === 'integer' ? 'whole' : 'decimal';
    }
  } else if (field.type === 'string') {
    if (bounds(c.minLength ?? null, c.maxLength ?? null, 'text with a length')) type = 'textLength';
  }
  if (type === null && !field.description) return null;

  const head = [type ? `type="${type}"` : '', ...(type ? attrs : []), 'allowBlank="1"'];
  if (field.description) {
    head.push(
      'showInputMessage="1"',
      `promptTitle="${escapeXml(clip(field.title ?? field.name, MAX_PROMPT_TITLE))}"`,
      `prompt="${escapeXml(clip(field.description, MAX_PROMPT))}"`,
    );
  }
  if (type) {
    head.push(
      'showErrorMessage="1"',
      `errorTitle="${escapeXml(clip(field.title ?? field.name, MAX_PROMPT_TITLE))}"`,
      `error="${escapeXml(error)}"`,
    );
  }
  const open = `<dataValidation ${head.filter(Boolean).join(' ')} sqref="${sqref}"`;
  return type ? `${open}>${formulas}</dataValidation>` : `${open}/>`;
}
