import { asList, numberFromForm, textField } from '../platform/form-fields';
import type { FieldErrors } from '../platform/errors';
import {
  IDENTIFIER_SCHEMES,
  IDENTIFIER_SCHEME_KEYS,
  LEGAL_FORMS,
  LEGAL_FORM_HINTS,
  LEGAL_FORM_KEYS,
  SECTORS,
  SECTOR_HINTS,
  SECTOR_LABELS,
  SIZES,
  SIZE_LABELS,
  TURNOVER_BANDS,
  TURNOVER_LABELS,
  type LegalFormKey,
} from './sectors';
import type { Organisation } from './suppliers.service';

type FormBody = Record<string, unknown>;

const str = textField;

/** The id (and name) of the number field for one register. */
export const identifierFieldId = (scheme: string): string => `number-${scheme}`;

/** Registers chosen on a form: ticked, or with a number typed (without JavaScript every number field shows). */
export function identifiersFromForm(body: FormBody): { scheme: string; id: string }[] {
  const ticked = asList(body.registers);
  return IDENTIFIER_SCHEME_KEYS.filter((scheme) => ticked.includes(scheme) || str(body[identifierFieldId(scheme)]) !== '').map(
    (scheme) => ({ scheme, id: str(body[identifierFieldId(scheme)]) }),
  );
}

/** Form values for the registers field from saved identifiers. */
export function identifierValues(identifiers: { scheme: string; id: string }[]): FormBody {
  return {
    registers: identifiers.map((i) => i.scheme),
    ...Object.fromEntries(identifiers.map((i) => [identifierFieldId(i.scheme), i.id])),
  };
}

const CONTACT_FIELDS: Record<string, string> = {
  contact: 'contactName',
  'contact.name': 'contactName',
  'contact.email': 'contactEmail',
  'contact.phone': 'contactPhone',
};

/** A schema path ("identifiers.1.id", "contact.email", "areas.3") as the id of the form field that holds it. */
export function organisationFieldId(path: string, identifiers: { scheme: string }[], nameField = 'name'): string {
  const identifier = /^identifiers\.(\d+)\./.exec(path);
  if (identifier) {
    const scheme = identifiers[Number(identifier[1])]?.scheme;
    return scheme && !path.endsWith('.scheme') ? identifierFieldId(scheme) : 'registers';
  }
  if (path.startsWith('identifiers')) return 'registers';
  if (path.startsWith('areas')) return 'areas';
  if (path === 'name') return nameField;
  return CONTACT_FIELDS[path] ?? path;
}

/** The profile form's fields in page order, so the error summary lists problems as the page shows them. */
const FIELD_ORDER = [
  'name',
  'sector',
  'legalForm',
  'size',
  'registers',
  ...IDENTIFIER_SCHEME_KEYS.map(identifierFieldId),
  'address',
  'postcode',
  'areas',
  'staffCount',
  'turnoverBand',
  'largestContractValue',
  'contactName',
  'contactEmail',
  'contactPhone',
];

/** Field errors keyed by form field ids in page order, the first message for a field winning. */
export function organisationFormErrors(fields: FieldErrors, identifiers: { scheme: string }[], nameField = 'name'): FieldErrors {
  const byField: FieldErrors = {};
  for (const [path, message] of Object.entries(fields)) byField[organisationFieldId(path, identifiers, nameField)] ??= message;
  const rank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);
  return Object.fromEntries(Object.entries(byField).sort(([a], [b]) => rank(a) - rank(b)));
}

/** The profile form's flat fields in the shape of the JSON API body, so one schema checks both. */
export function organisationFromForm(body: FormBody): Record<string, unknown> {
  const contact = { name: str(body.contactName), email: str(body.contactEmail), phone: str(body.contactPhone) };
  return {
    name: str(body.name),
    sector: str(body.sector) || undefined,
    legalForm: str(body.legalForm) || undefined,
    size: str(body.size) || undefined,
    identifiers: identifiersFromForm(body),
    address: str(body.address),
    postcode: str(body.postcode),
    areas: asList(body.areas),
    staffCount: numberFromForm(body.staffCount),
    turnoverBand: str(body.turnoverBand) || null,
    largestContractValue: numberFromForm(body.largestContractValue),
    contact: contact.name || contact.email || contact.phone ? contact : null,
  };
}

/** The profile form's values from a saved organisation. */
export function formFromOrganisation(org: Organisation): FormBody {
  return {
    name: org.name,
    sector: org.sector,
    legalForm: org.legalForm,
    size: org.size,
    ...identifierValues(org.identifiers),
    address: org.address,
    postcode: org.postcode,
    areas: org.areas,
    staffCount: org.staffCount === null ? '' : String(org.staffCount),
    turnoverBand: org.turnoverBand ?? '',
    largestContractValue: org.largestContractValue === null ? '' : String(org.largestContractValue),
    contactName: org.contact?.name ?? '',
    contactEmail: org.contact?.email ?? '',
    contactPhone: org.contact?.phone ?? '',
  };
}

/** Radio and checkbox items for the organisation questions, with plain-English explanations. */
export const sectorItems = () => SECTORS.map((key) => ({ value: key, text: SECTOR_LABELS[key], hint: { text: SECTOR_HINTS[key] } }));

export const sizeItems = () => SIZES.map((key) => ({ value: key, text: SIZE_LABELS[key] }));

export const turnoverItems = () => TURNOVER_BANDS.map((key) => ({ value: key, text: TURNOVER_LABELS[key] }));

export const registerItems = () =>
  IDENTIFIER_SCHEME_KEYS.map((key) => ({
    value: key,
    text: IDENTIFIER_SCHEMES[key].label.replace(/ number$/, ''),
    label: IDENTIFIER_SCHEMES[key].label,
    example: IDENTIFIER_SCHEMES[key].example,
  }));

type RadioItem = { value: string; text: string; hint: { text: string } } | { divider: string };

/**
 * Legal forms with the ones usual in the chosen sector first, then consortium and other, then the rest:
 * a form from another sector can still be chosen, and is then explained rather than hidden.
 */
/**
 * The legal forms to offer. Registration asks the sector first, so it offers only that sector's forms (and those of
 * any sector); the profile page, where the sector can change on the same form, lists the rest after them.
 */
export function legalFormItems(sector: string | undefined, only = false): RadioItem[] {
  const item = (key: LegalFormKey) => ({ value: key, text: LEGAL_FORMS[key].label, hint: { text: LEGAL_FORM_HINTS[key] } });
  const formSector = (key: LegalFormKey): string | null => LEGAL_FORMS[key].sector;
  const inSector = LEGAL_FORM_KEYS.filter((key) => sector && formSector(key) === sector);
  const either = LEGAL_FORM_KEYS.filter((key) => formSector(key) === null);
  const elsewhere = LEGAL_FORM_KEYS.filter((key) => !inSector.includes(key) && !either.includes(key));
  if (!inSector.length) return [...elsewhere, ...either].map(item);
  if (only) return [...inSector, ...either].map(item);
  return [...inSector.map(item), ...either.map(item), { divider: 'or' }, ...elsewhere.map(item)];
}

/** What the profile and check-your-answers pages show for each answer. */
export function describeOrganisation(
  org: {
    sector?: string;
    legalForm?: string;
    size?: string;
    identifiers?: { scheme: string; id: string }[];
    areas?: string[];
    turnoverBand?: string | null;
  },
  boroughName: (slug: string) => string,
) {
  const label = <K extends string>(labels: Record<K, string>, key: string | null | undefined): string =>
    key && key in labels ? labels[key as K] : '';
  return {
    sector: label(SECTOR_LABELS, org.sector),
    legalForm: org.legalForm && org.legalForm in LEGAL_FORMS ? LEGAL_FORMS[org.legalForm as LegalFormKey].label : '',
    size: label(SIZE_LABELS, org.size),
    identifiers: (org.identifiers ?? []).map((i) => ({
      register: i.scheme in IDENTIFIER_SCHEMES ? IDENTIFIER_SCHEMES[i.scheme as keyof typeof IDENTIFIER_SCHEMES].label : i.scheme,
      id: i.id,
    })),
    areas: (org.areas ?? []).map(boroughName),
    turnoverBand: label(TURNOVER_LABELS, org.turnoverBand),
  };
}
