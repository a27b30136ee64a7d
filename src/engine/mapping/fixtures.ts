/**
 * Messy header lists with their correct mapping, for scoring the rules-only mapping stage (the
 * test asserts a floor; bench/mapping/run.ts prints the score). `expected` maps each header to its
 * field, or to null when the header is no field of the schema (an extra column). Some headers are
 * out of reach for rules on purpose (other languages, synonyms that need meaning): they should come
 * back unresolved, which costs score but is never wrong.
 */
import type { MappingField } from './suggest-mapping.js';

export interface MappingFixture {
  readonly name: string;
  readonly fields: readonly MappingField[];
  readonly expected: Readonly<Record<string, string | null>>;
}

const f = (name: string, extra: Omit<MappingField, 'name'> = {}): MappingField => ({ name, ...extra });

const ORDERS = [f('order_id'), f('sku'), f('quantity'), f('price'), f('customer_email'), f('order_date')];
const PEOPLE = [f('first_name'), f('last_name'), f('email'), f('phone'), f('birth_date'), f('city')];
const INVOICES = [
  f('invoice_number', { title: 'Invoice number' }),
  f('invoice_date'),
  f('amount'),
  f('currency'),
  f('vat_rate'),
  f('customer_name'),
];
const PRODUCTS = [
  f('product_code', { aliases: ['Article'] }),
  f('description'),
  f('unit_price'),
  f('weight'),
  f('category'),
  f('stock'),
];
const ADDRESSES = [f('street'), f('house_number'), f('postcode'), f('city'), f('country'), f('region')];
const EMPLOYEES = [
  f('employee_id'),
  f('full_name'),
  f('department'),
  f('start_date'),
  f('salary'),
  f('manager_email'),
];

export const MAPPING_FIXTURES: readonly MappingFixture[] = [
  {
    name: 'orders: title case and units',
    fields: ORDERS,
    expected: {
      'Order ID': 'order_id',
      SKU: 'sku',
      Qty: 'quantity',
      'Unit Price (EUR)': 'price',
      'Customer E-mail': 'customer_email',
      'Order Date': 'order_date',
    },
  },
  {
    name: 'orders: camelCase export',
    fields: ORDERS,
    expected: {
      orderId: 'order_id',
      sku: 'sku',
      quantity: 'quantity',
      price: 'price',
      customerEmail: 'customer_email',
      orderDate: 'order_date',
    },
  },
  {
    name: 'orders: hash and No.',
    fields: ORDERS,
    expected: { 'Order #': 'order_id', 'SKU No.': 'sku', 'Quantity (pcs)': 'quantity', 'Price $': 'price' },
  },
  {
    name: 'orders: typos',
    fields: ORDERS,
    expected: { 'Oder ID': 'order_id', Quantitiy: 'quantity', Pirce: 'price', 'Order Dat': 'order_date' },
  },
  {
    name: 'orders: extra columns',
    fields: ORDERS,
    expected: {
      order_id: 'order_id',
      Notes: null,
      'Internal comment': null,
      'Customer Email': 'customer_email',
      Warehouse: null,
    },
  },
  {
    name: 'orders: German headers',
    fields: ORDERS,
    expected: { Bestellnummer: 'order_id', Menge: 'quantity', Preis: 'price', Bestelldatum: 'order_date' },
  },
  {
    name: 'people: common variants',
    fields: PEOPLE,
    expected: {
      'First Name': 'first_name',
      Surname: 'last_name',
      'E-Mail Address': 'email',
      'Phone Number': 'phone',
      'Date of Birth': 'birth_date',
      City: 'city',
    },
  },
  {
    name: 'people: squashed',
    fields: PEOPLE,
    expected: {
      firstname: 'first_name',
      lastname: 'last_name',
      EMAIL: 'email',
      Tel: 'phone',
      DOB: 'birth_date',
    },
  },
  {
    name: 'people: upper snake',
    fields: PEOPLE,
    expected: {
      FIRST_NAME: 'first_name',
      LAST_NAME: 'last_name',
      EMAIL_ADDRESS: 'email',
      PHONE: 'phone',
      BIRTH_DATE: 'birth_date',
      CITY: 'city',
    },
  },
  {
    name: 'people: French headers',
    fields: PEOPLE,
    expected: { Prénom: 'first_name', Nom: 'last_name', Courriel: 'email', Ville: 'city' },
  },
  {
    name: 'people: given/family',
    fields: PEOPLE,
    expected: { 'Given name': 'first_name', 'Family name': 'last_name', Mobile: 'phone', Town: 'city' },
  },
  {
    name: 'invoices: accounting export',
    fields: INVOICES,
    expected: {
      'Invoice No.': 'invoice_number',
      'Invoice Date': 'invoice_date',
      'Amount (EUR)': 'amount',
      Currency: 'currency',
      'VAT Rate %': 'vat_rate',
      'Customer Name': 'customer_name',
    },
  },
  {
    name: 'invoices: title alias',
    fields: INVOICES,
    expected: {
      'invoice number': 'invoice_number',
      'Inv. Date': 'invoice_date',
      Amt: 'amount',
      Client: 'customer_name',
    },
  },
  {
    name: 'invoices: extras that look close',
    fields: INVOICES,
    expected: { Invoice: 'invoice_number', 'Due Date': null, 'Amount Paid': null, Customer: 'customer_name' },
  },
  {
    name: 'products: catalogue',
    fields: PRODUCTS,
    expected: {
      Article: 'product_code',
      Description: 'description',
      'Unit Price (EUR)': 'unit_price',
      'Weight (kg)': 'weight',
      Category: 'category',
      'Stock Qty': 'stock',
    },
  },
  {
    name: 'products: abbreviations',
    fields: PRODUCTS,
    expected: {
      'Product Code': 'product_code',
      Desc: 'description',
      'Unit price': 'unit_price',
      Cat: 'category',
    },
  },
  {
    name: 'products: typos and spaces',
    fields: PRODUCTS,
    expected: {
      '  Product  code ': 'product_code',
      Descripton: 'description',
      'Unit-Price': 'unit_price',
      Wieght: 'weight',
      Categroy: 'category',
    },
  },
  {
    name: 'products: synonyms needing meaning',
    fields: PRODUCTS,
    expected: { 'Item number': 'product_code', 'Cost to customer': 'unit_price', 'On hand': 'stock' },
  },
  {
    name: 'addresses: postal variants',
    fields: ADDRESSES,
    expected: {
      Street: 'street',
      'House No.': 'house_number',
      'ZIP Code': 'postcode',
      City: 'city',
      Country: 'country',
      State: 'region',
    },
  },
  {
    name: 'addresses: postal code',
    fields: ADDRESSES,
    expected: {
      'Street Name': 'street',
      'Postal Code': 'postcode',
      'Country Name': 'country',
      Region: 'region',
    },
  },
  {
    name: 'addresses: Spanish',
    fields: ADDRESSES,
    expected: { Calle: 'street', 'Código postal': 'postcode', Ciudad: 'city', País: 'country' },
  },
  {
    name: 'employees: HR export',
    fields: EMPLOYEES,
    expected: {
      'Employee ID': 'employee_id',
      'Full Name': 'full_name',
      Dept: 'department',
      'Start Date': 'start_date',
      'Salary (USD)': 'salary',
      "Manager's Email": 'manager_email',
    },
  },
  {
    name: 'employees: employee number',
    fields: EMPLOYEES,
    expected: {
      'Employee #': 'employee_id',
      Name: 'full_name',
      Department: 'department',
      Hired: 'start_date',
    },
  },
  {
    name: 'employees: typos',
    fields: EMPLOYEES,
    expected: {
      'Employe ID': 'employee_id',
      Departmnet: 'department',
      Salery: 'salary',
      'Start date': 'start_date',
    },
  },
  {
    name: 'employees: ambiguous generic headers',
    fields: EMPLOYEES,
    expected: { ID: 'employee_id', Email: 'manager_email', Date: 'start_date' },
  },
  {
    name: 'mixed: exact names',
    fields: ORDERS,
    expected: {
      order_id: 'order_id',
      sku: 'sku',
      quantity: 'quantity',
      price: 'price',
      customer_email: 'customer_email',
      order_date: 'order_date',
    },
  },
  {
    name: 'mixed: full-width and accents',
    fields: PEOPLE,
    expected: { ｅｍａｉｌ: 'email', Ｃｉｔｙ: 'city', Phoné: 'phone' },
  },
  {
    name: 'mixed: bracketed notes',
    fields: INVOICES,
    expected: {
      'Invoice Number [required]': 'invoice_number',
      'Invoice Date (YYYY-MM-DD)': 'invoice_date',
      'Currency (ISO 4217)': 'currency',
    },
  },
  {
    name: 'mixed: unrelated sheet',
    fields: ORDERS,
    expected: { Latitude: null, Longitude: null, Altitude: null, 'Station name': null },
  },
  {
    name: 'mixed: unrelated sheet sharing a word',
    fields: PEOPLE,
    expected: { 'City population': null, 'Email campaign': null, 'Phone model': null },
  },
  {
    name: 'mixed: numbered columns',
    fields: [f('address_line_1'), f('address_line_2'), f('city')],
    expected: { 'Address Line 1': 'address_line_1', 'Address Line 2': 'address_line_2', 'Address 3': null },
  },
  {
    name: 'mixed: snake vs space with weak words',
    fields: [f('customer_id'), f('customer_name'), f('customer_type')],
    expected: {
      'Customer ID': 'customer_id',
      'Customer Name': 'customer_name',
      Customer: null,
      Segment: null,
    },
  },
  {
    name: 'mixed: Dutch headers',
    fields: ORDERS,
    expected: { Ordernummer: 'order_id', Aantal: 'quantity', Prijs: 'price', Besteldatum: 'order_date' },
  },
];

export interface MappingScore {
  /** Headers whose correct answer is a field. */
  readonly total: number;
  /** Of those, mapped to the right field. */
  readonly correct: number;
  /** Left unresolved (a person or the model decides). */
  readonly unresolved: number;
  /** Mapped to a wrong field, or mapped while the header is no field: must stay 0. */
  readonly wrong: readonly { fixture: string; header: string; expected: string | null; got: string }[];
}
