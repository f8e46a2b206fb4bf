import { z } from 'zod';
import { optionalFilter } from '../platform/validation';
import { HEARD_VIA, HEARD_VIA_LABELS, INTEREST_STATUSES } from './interest.model';
import { SECTORS, SIZES } from './sectors';

export const expressInterestSchema = z
  .object({
    lotIds: z
      .array(z.string({ message: 'Lot ids must be text' }).trim().min(1).max(40), { message: 'Lots must be a list' })
      .max(20, 'Choose at most 20 lots')
      .default([]),
    contactName: z
      .string({ message: 'Enter the name of the person the council should contact' })
      .trim()
      .min(1, 'Enter the name of the person the council should contact')
      .max(200, 'The contact name must be 200 characters or fewer'),
    contactEmail: z
      .string({ message: 'Enter the contact’s email address' })
      .trim()
      .toLowerCase()
      .min(1, 'Enter the contact’s email address')
      .max(254, 'The email address must be 254 characters or fewer')
      .email('Enter an email address in the correct format, like name@example.org'),
    consortium: z.boolean({ message: 'Say whether you would bid as part of a consortium (true or false)' }).default(false),
    willingToPartner: z.boolean({ message: 'Say whether you are willing to partner (true or false)' }).default(false),
    heardVia: z.enum(HEARD_VIA, {
      message: `Say how you heard about this exercise: ${HEARD_VIA.map((h) => HEARD_VIA_LABELS[h]).join(', ')}`,
    }),
    heardViaOther: z.string({ message: 'Must be text' }).trim().max(200, 'Must be 200 characters or fewer').default(''),
  })
  .superRefine((input, ctx) => {
    if (new Set(input.lotIds).size !== input.lotIds.length) {
      ctx.addIssue({ code: 'custom', path: ['lotIds'], message: 'Choose each lot only once' });
    }
    if (input.heardVia === 'other' && !input.heardViaOther) {
      ctx.addIssue({ code: 'custom', path: ['heardViaOther'], message: 'Tell us where you heard about this exercise' });
    }
  });

export type ExpressInterestInput = z.infer<typeof expressInterestSchema>;

/** Filters on the officer's list of interests. */
// The officer's filter form sends every field, those left on "all" empty: an empty value is no filter.
export const interestFiltersSchema = z.object({
  sector: optionalFilter(z.enum(SECTORS, { message: `Sector must be one of ${SECTORS.join(', ')}` })),
  size: optionalFilter(z.enum(SIZES, { message: `Size must be one of ${SIZES.join(', ')}` })),
  lot: optionalFilter(z.string().trim().max(40, 'Choose a lot from the list')),
  status: optionalFilter(z.enum(INTEREST_STATUSES, { message: 'Status must be active or withdrawn' })),
  sectorCheck: optionalFilter(z.enum(['warning'], { message: 'sectorCheck can only be warning' })),
});

export type InterestFilters = z.infer<typeof interestFiltersSchema>;
