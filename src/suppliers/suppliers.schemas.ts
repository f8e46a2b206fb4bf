import { z } from 'zod';
import {
  IDENTIFIER_SCHEMES,
  IDENTIFIER_SCHEME_KEYS,
  LEGAL_FORMS,
  LEGAL_FORM_KEYS,
  SECTORS,
  SECTOR_LABELS,
  SIZES,
  TURNOVER_BANDS,
  TURNOVER_LABELS,
  type LegalFormKey,
  type Sector,
} from './sectors';

const wholeNumber = (label: string, max: number) =>
  z
    .number({ message: `${label} must be a number` })
    .int(`${label} must be a whole number`)
    .min(0, `${label} must be 0 or more`)
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} or less`);

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|GIR ?0AA)$/;

/** Normalises a UK postcode to capitals with one space before the inward code ("sw1a1aa" → "SW1A 1AA"). */
export function normalisePostcode(value: string): string {
  const compact = value.replace(/\s+/g, '').toUpperCase();
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

const identifierSchema = z
  .object({
    scheme: z.enum(IDENTIFIER_SCHEME_KEYS, { message: `Choose a register: ${IDENTIFIER_SCHEME_KEYS.join(', ')}` }),
    id: z
      .string({ message: 'Enter the registration number' })
      .trim()
      .min(1, 'Enter the registration number')
      .transform((v) => v.replace(/\s+/g, '').toUpperCase()),
  })
  .superRefine((identifier, ctx) => {
    const scheme = IDENTIFIER_SCHEMES[identifier.scheme];
    if (!scheme.pattern.test(identifier.id)) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `Enter a ${scheme.label} in the correct format, like ${scheme.example}` });
    }
  });

/** Why a legal form does not fit a sector (a charity cannot be in the private sector), or null when it fits. */
export function legalFormMismatch(sector: Sector, legalForm: LegalFormKey): string | null {
  const formSector = LEGAL_FORMS[legalForm].sector;
  if (!formSector || formSector === sector) return null;
  return `A ${LEGAL_FORMS[legalForm].label.toLowerCase()} is in the ${SECTOR_LABELS[formSector].toLowerCase()}: choose that sector or a different legal form`;
}

/** Builds the organisation schema; `boroughSlugs` are the areas an organisation may say it serves. */
export function organisationInputSchema(boroughSlugs: readonly string[]) {
  return z
    .object({
      name: z
        .string({ message: 'Enter your organisation’s name' })
        .trim()
        .min(1, 'Enter your organisation’s name')
        .max(200, 'Organisation name must be 200 characters or fewer'),
      sector: z.enum(SECTORS, { message: 'Select the sector your organisation is in' }),
      legalForm: z.enum(LEGAL_FORM_KEYS, { message: 'Choose your organisation’s legal form' }),
      size: z.enum(SIZES, { message: 'Choose your organisation’s size' }),
      identifiers: z.array(identifierSchema, { message: 'Identifiers must be a list' }).max(5, 'Give at most 5 identifiers').default([]),
      postcode: z
        .string({ message: 'Enter a postcode' })
        .trim()
        .min(1, 'Enter a postcode')
        .transform(normalisePostcode)
        .refine((v) => POSTCODE.test(v), 'Enter a full UK postcode, like SW1A 1AA'),
      areas: z
        .array(
          z.string().refine((slug) => boroughSlugs.includes(slug), 'Choose London boroughs from the list'),
          { message: 'Areas served must be a list of boroughs' },
        )
        .max(boroughSlugs.length)
        .default([]),
      address: z.string({ message: 'Address must be text' }).trim().max(500, 'Address must be 500 characters or fewer').default(''),
      staffCount: wholeNumber('Number of staff', 1_000_000).nullable().default(null),
      turnoverBand: z
        .enum(TURNOVER_BANDS, { message: `Choose a turnover band: ${TURNOVER_BANDS.map((b) => TURNOVER_LABELS[b]).join(', ')}` })
        .nullable()
        .default(null),
      largestContractValue: wholeNumber('Largest contract value', 10_000_000_000).nullable().default(null),
      contact: z
        .object({
          name: z
            .string({ message: 'Enter a contact name' })
            .trim()
            .min(1, 'Enter a contact name')
            .max(200, 'Contact name must be 200 characters or fewer'),
          email: z
            .string({ message: 'Enter a contact email address' })
            .trim()
            .toLowerCase()
            .max(254, 'Contact email address must be 254 characters or fewer')
            .email('Enter a contact email address in the correct format, like name@example.org'),
          phone: z
            .string({ message: 'Phone number must be text' })
            .trim()
            .max(30, 'Phone number must be 30 characters or fewer')
            .refine((v) => v === '' || /^[+\d][\d\s()-]{5,}$/.test(v), 'Enter a phone number, like 020 7946 0000')
            .default(''),
        })
        .nullable()
        .default(null),
    })
    .superRefine((org, ctx) => {
      const mismatch = legalFormMismatch(org.sector, org.legalForm);
      if (mismatch) ctx.addIssue({ code: 'custom', path: ['legalForm'], message: mismatch });
      const schemes = org.identifiers.map((i) => i.scheme);
      if (new Set(schemes).size !== schemes.length) {
        ctx.addIssue({ code: 'custom', path: ['identifiers'], message: 'Give each register only once' });
      }
    });
}

export type OrganisationInput = z.infer<ReturnType<typeof organisationInputSchema>>;

/** An organisation as sent, before defaults are filled in. */
export type OrganisationDraft = z.input<ReturnType<typeof organisationInputSchema>>;
