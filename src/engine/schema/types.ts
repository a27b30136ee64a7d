/**
 * Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/) as Intake reads it,
 * plus Intake's extensions (`aliases`, `fieldsMatch`). The parser in this folder turns untrusted
 * JSON into these types or throws EngineError('schema_invalid').
 */

export type FieldType =
  'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'time' | 'year' | 'any';

export interface FieldConstraints {
  readonly required?: boolean;
  readonly unique?: boolean;
  readonly minimum?: number | string;
  readonly maximum?: number | string;
  readonly exclusiveMinimum?: number | string;
  readonly exclusiveMaximum?: number | string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly (string | number | boolean)[];
}

export interface Field {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly type: FieldType;
  /** string: default | email | uri | uuid; date/time: default | any | a strptime pattern. */
  readonly format?: string;
  readonly constraints?: FieldConstraints;
  readonly trueValues?: readonly string[];
  readonly falseValues?: readonly string[];
  readonly decimalChar?: string;
  readonly groupChar?: string;
  readonly bareNumber?: boolean;
  /** Intake extension: extra header names accepted for this field. */
  readonly aliases?: readonly string[];
}

export type FieldsMatch = 'equal' | 'exact' | 'subset' | 'superset' | 'partial';

export interface TableSchema {
  readonly fields: readonly Field[];
  readonly primaryKey?: readonly string[];
  readonly uniqueKeys?: readonly (readonly string[])[];
  /** Default `[""]`. */
  readonly missingValues?: readonly string[];
  /** Intake extension. Default `equal` (column order never matters). */
  readonly fieldsMatch?: FieldsMatch;
}
