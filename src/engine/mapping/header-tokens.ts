/**
 * Header text → comparable tokens. Spreadsheet headers carry noise a field name never has: units
 * and currencies in brackets ("Unit Price (EUR)"), number markers ("Invoice #", "Order No."),
 * camelCase or snake_case joints, accents, and common abbreviations ("Qty", "Tel"). Tokens are
 * weighted: generic words ("id", "name", "number", "code") count for less, so "Customer" does not
 * look like a strong match for both `customer_id` and `customer_name`.
 */

/** A token and how much it counts in a similarity score (1 = a content word). */
export interface HeaderToken {
  readonly text: string;
  readonly weight: number;
}

/** Abbreviations and spelling variants seen in real headers, mapped to one canonical word. */
const CANONICAL: Readonly<Record<string, string>> = {
  qty: 'quantity',
  qnty: 'quantity',
  quant: 'quantity',
  amt: 'amount',
  desc: 'description',
  descr: 'description',
  addr: 'address',
  tel: 'phone',
  telephone: 'phone',
  mobile: 'phone',
  cell: 'phone',
  mail: 'email',
  emailaddress: 'email',
  zip: 'postcode',
  zipcode: 'postcode',
  postal: 'postcode',
  postalcode: 'postcode',
  cust: 'customer',
  client: 'customer',
  // Identifier words: "Order #", "Order No." and "Order ID" name the same column.
  num: 'id',
  nbr: 'id',
  nr: 'id',
  no: 'id',
  number: 'id',
  identifier: 'id',
  ref: 'id',
  reference: 'id',
  inv: 'invoice',
  dob: 'birthdate',
  birthday: 'birthdate',
  dept: 'department',
  co: 'company',
  org: 'organisation',
  organization: 'organisation',
  cat: 'category',
  surname: 'lastname',
  familyname: 'lastname',
  givenname: 'firstname',
  forename: 'firstname',
  fname: 'firstname',
  lname: 'lastname',
  pct: 'percent',
  percentage: 'percent',
  ctry: 'country',
  st: 'street',
};

/**
 * Common header words in German, French, Spanish and Dutch, to their English form: files arrive
 * in the language of whoever made them. A short list of the columns business sheets share; the
 * rest is left to a person or the model.
 */
const GLOSSARY: Readonly<Record<string, string>> = {
  // de
  vorname: 'firstname',
  nachname: 'lastname',
  stadt: 'city',
  ort: 'city',
  land: 'country',
  strasse: 'street',
  straße: 'street',
  plz: 'postcode',
  postleitzahl: 'postcode',
  preis: 'price',
  menge: 'quantity',
  anzahl: 'quantity',
  betrag: 'amount',
  datum: 'date',
  beschreibung: 'description',
  telefon: 'phone',
  nummer: 'id',
  waehrung: 'currency',
  währung: 'currency',
  gewicht: 'weight',
  kategorie: 'category',
  // fr
  prenom: 'firstname',
  nom: 'lastname',
  ville: 'city',
  pays: 'country',
  rue: 'street',
  prix: 'price',
  quantite: 'quantity',
  montant: 'amount',
  courriel: 'email',
  telephone: 'phone',
  devise: 'currency',
  poids: 'weight',
  categorie: 'category',
  // es
  nombre: 'firstname',
  apellido: 'lastname',
  ciudad: 'city',
  pais: 'country',
  calle: 'street',
  precio: 'price',
  cantidad: 'quantity',
  importe: 'amount',
  fecha: 'date',
  correo: 'email',
  telefono: 'phone',
  descripcion: 'description',
  moneda: 'currency',
  peso: 'weight',
  // nl
  voornaam: 'firstname',
  achternaam: 'lastname',
  plaats: 'city',
  straat: 'street',
  postcode: 'postcode',
  prijs: 'price',
  aantal: 'quantity',
  bedrag: 'amount',
  omschrijving: 'description',
  valuta: 'currency',
};

/** Words that carry no meaning of their own in a header (units, currencies, fillers). */
const NOISE = new Set([
  'unit',
  'per',
  'the',
  'of',
  'in',
  'eur',
  'usd',
  'gbp',
  'chf',
  'jpy',
  'cad',
  'aud',
  'kg',
  'g',
  'lb',
  'lbs',
  'cm',
  'mm',
  'm',
  'km',
  'pcs',
  'incl',
  'excl',
  'vat',
  'net',
  'gross',
  'total',
]);

/** Generic words: they distinguish fields only together with a content word. */
const WEAK = new Set(['id', 'name', 'code', 'value', 'date', 'type', 'key']);
const WEAK_WEIGHT = 0.35;

/** Lower case, accents removed, NFKC. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase();
}

/** Splits camelCase / PascalCase joints and digits-letter joints before folding. */
function splitJoints(text: string): string {
  return text.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
}

/** The words of a header, canonicalised, before any noise removal. */
export function headerWords(text: string): string[] {
  const spaced = splitJoints(text)
    // Brackets hold units or currencies: "(EUR)", "[kg]", "{ref}".
    .replace(/[([{][^)\]}]*[)\]}]/g, ' ')
    .replace(/\be[-\s]?mail/gi, 'email')
    // "Email address" is the email, not an address.
    .replace(/\bemail[\s_-]*address/gi, 'email')
    .replace(/#/g, ' id ')
    .replace(/[€$£¥%]/g, ' ');
  return fold(spaced)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .map((w) => CANONICAL[w] ?? GLOSSARY[w] ?? w);
}

/** Two-word phrases that name one thing ("Given name", "Código postal"). */
const PHRASES: Readonly<Record<string, string>> = {
  givenname: 'firstname',
  familyname: 'lastname',
  codigopostal: 'postcode',
  codepostal: 'postcode',
  zipcode: 'postcode',
};

/** Weighted tokens of a header or field name: noise dropped unless nothing else is left. */
export function headerTokens(text: string): HeaderToken[] {
  const raw = headerWords(text);
  const words: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const phrase = i + 1 < raw.length ? PHRASES[raw[i] + raw[i + 1]] : undefined;
    if (phrase !== undefined) {
      words.push(phrase);
      i++;
    } else words.push(raw[i]);
  }
  const kept = words.filter((w) => !NOISE.has(w));
  const chosen = kept.length > 0 ? kept : words;
  const seen = new Set<string>();
  const tokens: HeaderToken[] = [];
  for (const w of chosen) {
    if (seen.has(w)) continue;
    seen.add(w);
    tokens.push({ text: w, weight: WEAK.has(w) ? WEAK_WEIGHT : 1 });
  }
  return tokens;
}

/** The tokens joined without separators: "First Name" and "first_name" both give "firstname". */
export function compactForm(tokens: readonly HeaderToken[]): string {
  return tokens.map((t) => t.text).join('');
}
