import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { OCID_PREFIX, toOcdsRelease, type OcdsRelease, type PublishedEnquiry } from './ocds';
import type { Tender } from './tenders.service';

/** Copies of the OCDS schema files (from shared/data/ocds; see its README for sources and licences). */
const OCDS_DIR = path.join(__dirname, '../../test/fixtures/ocds');
const EXTENSIONS = ['uk', 'enquiry', 'suitability', 'partyDetails_scale', 'bid'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readJson(...parts: string[]): Json {
  return JSON.parse(fs.readFileSync(path.join(OCDS_DIR, ...parts), 'utf8')) as Json;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON Merge Patch (RFC 7396). */
function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: { [key: string]: Json } = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Not an extension from the fixtures: OCDS 1.1 core has no lots (they come from the lots extension, which the
 * issue does not list), and the core schema allows undeclared fields, so without this `tender.lots` would not
 * be checked at all. It declares the lots-extension fields the export uses, with the extension's types.
 */
const LOTS_FIELDS: Json = {
  definitions: {
    Tender: { properties: { lots: { type: 'array', items: { $ref: '#/definitions/Lot' } } } },
    Lot: {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string', minLength: 1 },
        title: { type: ['string', 'null'] },
        description: { type: ['string', 'null'] },
        status: {
          type: ['string', 'null'],
          enum: ['planning', 'planned', 'active', 'cancelled', 'unsuccessful', 'complete', 'withdrawn', null],
        },
        value: { $ref: '#/definitions/Value' },
      },
    },
  },
};

function coreSchema(): Json {
  return readJson('core', 'release-schema.json');
}

function mergedSchema(): Json {
  let schema = mergePatch(coreSchema(), LOTS_FIELDS);
  for (const name of EXTENSIONS) schema = mergePatch(schema, readJson('extensions', name, 'release-schema.json'));
  return schema;
}

function compile(schema: Json): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  // OCDS metadata keywords: annotations, not constraints.
  ajv.addVocabulary(['codelist', 'openCodelist', 'deprecated', 'omitWhenMerged', 'wholeListMerge', 'versionId']);
  addFormats(ajv);
  return ajv.compile(schema as object);
}

const validateMerged = compile(mergedSchema());
const validateCore = compile(coreSchema());

/** The release as the API serves it. */
function asJson(release: OcdsRelease): Json {
  return JSON.parse(JSON.stringify(release)) as Json;
}

function errorsOf(validate: ValidateFunction, data: Json): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/**
 * Paths in the data that the schema does not declare. OCDS allows extra fields, so a misspelt or invented
 * field would pass validation; this catches it (like the OCDS Data Review Tool's "additional fields").
 */
function undeclaredFields(data: Json, schema: Json, root: Json = schema, at = ''): string[] {
  if (!isObject(schema)) return [];
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>((node, key) => (isObject(node) ? node[key] : undefined), root);
    return undeclaredFields(data, target ?? null, root, at);
  }
  if (Array.isArray(data))
    return isObject(schema.items) ? data.flatMap((d, i) => undeclaredFields(d, schema.items!, root, `${at}/${i}`)) : [];
  if (!isObject(data) || !isObject(schema.properties)) return [];
  const properties = schema.properties;
  return Object.entries(data).flatMap(([key, value]) =>
    key in properties ? undeclaredFields(value, properties[key]!, root, `${at}/${key}`) : [`${at}/${key}`],
  );
}

const camden = { id: '6650a1b2c3d4e5f6a7b8c9d0', slug: 'camden', name: 'Camden' };

function tender(overrides: Partial<Tender> = {}): Tender {
  return {
    id: '6650a1b2c3d4e5f6a7b8c9e1',
    reference: 'CMD-2027-001',
    status: 'published',
    borough: camden,
    title: 'Camden library service: market engagement',
    summary: 'We want to hear from organisations that could run some or all of our libraries.',
    specification: 'The service covers nine libraries, a home library service and a local studies archive.',
    serviceScope: 'Branch libraries, home library service, local studies',
    lots: [
      { id: 'lot-1', title: 'Branch libraries', description: 'Seven branch libraries', estimatedAnnualValue: 1_200_000 },
      { id: 'lot-2', title: 'Home library service', description: '', estimatedAnnualValue: 150_000 },
      { id: 'lot-3', title: 'Local studies archive', description: 'Archive and reading room', estimatedAnnualValue: null },
    ],
    estimatedValue: { min: 5_000_000, max: 7_500_000 },
    contractTermMonths: 60,
    tupe: 'yes',
    clarificationDeadline: '2027-03-10T12:00:00.000Z',
    eoiDeadline: '2027-03-17T12:00:00.000Z',
    questionnaireDeadline: '2027-03-31T11:00:00.000Z',
    engagementEvents: [
      { id: 'ev-2', title: 'Library visit', format: 'in_person', startsAt: '2027-03-08T10:00:00.000Z', location: 'Swiss Cottage Library' },
      { id: 'ev-1', title: 'Supplier briefing', format: 'online', startsAt: '2027-03-03T14:00:00.000Z', location: '' },
    ],
    sealed: false,
    shareFindings: true,
    thirdSectorTarget: 0.25,
    publishedAt: '2027-02-15T09:00:00.000Z',
    closedAt: null,
    cancelledAt: null,
    createdAt: '2027-02-01T09:00:00.000Z',
    updatedAt: '2027-02-15T09:00:00.000Z',
    documents: [
      {
        id: '6650a1b2c3d4e5f6a7b8caa1',
        title: 'Service specification',
        filename: 'specification.pdf',
        size: 123_456,
        contentType: 'application/pdf',
        version: 2,
        uploadedAt: '2027-02-14T16:30:00.000Z',
      },
    ],
    history: [],
    ...overrides,
  };
}

const enquiries: PublishedEnquiry[] = [
  {
    id: 'cq-2',
    question: 'Can a consortium of charities express interest in one lot?',
    answer: 'Yes. Name a lead organisation in the expression of interest.',
    askedAt: '2027-02-20T10:00:00.000Z',
    answeredAt: '2027-02-22T15:00:00.000Z',
  },
  {
    id: 'cq-1',
    question: 'Will staff transfer under TUPE?',
    answer: 'Yes, TUPE is expected to apply to library staff.',
    askedAt: '2027-02-18T08:30:00.000Z',
    answeredAt: '2027-02-19T11:00:00.000Z',
  },
];

const opts = { publisherUri: 'https://lmep.example.org/', now: new Date('2027-03-01T12:00:00Z') };

function expectValid(release: OcdsRelease): void {
  const json = asJson(release);
  expect(errorsOf(validateMerged, json)).toEqual([]);
  expect(undeclaredFields(json, mergedSchema())).toEqual([]);
}

describe('toOcdsRelease', () => {
  test('a published exercise with lots, events and enquiries is a valid planning release with the UK2 fields', () => {
    const release = toOcdsRelease(tender(), enquiries, opts);
    expectValid(release);

    expect(release.ocid).toBe(`${OCID_PREFIX}-6650a1b2c3d4e5f6a7b8c9e1`);
    expect(release.ocid.startsWith('ocds-')).toBe(true);
    expect(release.tag).toEqual(['planning']);
    expect(release.initiationType).toBe('tender');
    expect(release.language).toBe('en');
    // The latest event by `now`: the second answer was published on 22 February.
    expect(release.date).toBe('2027-02-22T15:00:00.000Z');
    expect(release.id).toBe(`${release.ocid}-planning-2027-02-22T15:00:00.000Z`);
    expect(release.id).not.toContain('#');

    // Buyer party, identified by its GB-LAE register code, with the ONS GSS code as an additional identifier.
    expect(release.parties).toEqual([
      expect.objectContaining({
        id: 'GB-LAE-CMD',
        name: 'London Borough of Camden',
        roles: ['buyer'],
        identifier: { scheme: 'GB-LAE', id: 'CMD', legalName: 'London Borough of Camden' },
        additionalIdentifiers: [{ scheme: 'ONS-GSS', id: 'E09000007' }],
      }),
    ]);
    expect(release.buyer).toEqual({ id: 'GB-LAE-CMD', name: 'London Borough of Camden' });

    const t = release.tender;
    expect(t).toMatchObject({
      id: 'CMD-2027-001',
      title: 'Camden library service: market engagement',
      description: 'We want to hear from organisations that could run some or all of our libraries.',
      status: 'planning',
      mainProcurementCategory: 'services',
      value: { amount: 7_500_000, currency: 'GBP' },
      minValue: { amount: 5_000_000, currency: 'GBP' },
      contractPeriod: { durationInMonths: 60, durationInDays: 1826 },
      enquiryPeriod: { startDate: '2027-02-15T09:00:00.000Z', endDate: '2027-03-10T12:00:00.000Z' },
      suitability: { sme: true, vcse: true },
      hasEnquiries: true,
    });
    expect(t).not.toHaveProperty('tenderPeriod');
    expect(t.lots).toEqual([
      {
        id: 'lot-1',
        title: 'Branch libraries',
        description: 'Seven branch libraries',
        status: 'planning',
        value: { amount: 6_000_000, currency: 'GBP' },
        suitability: { sme: true, vcse: true },
      },
      {
        id: 'lot-2',
        title: 'Home library service',
        status: 'planning',
        value: { amount: 750_000, currency: 'GBP' },
        suitability: { sme: true, vcse: true },
      },
      {
        id: 'lot-3',
        title: 'Local studies archive',
        description: 'Archive and reading room',
        status: 'planning',
        suitability: { sme: true, vcse: true },
      },
    ]);

    // The engagement milestone closes at the questionnaire deadline.
    const engagement = release.planning.milestones.find((m) => m.id === 'engagement');
    expect(engagement).toMatchObject({ type: 'engagement', dueDate: '2027-03-31T11:00:00.000Z', status: 'scheduled' });
    expect(engagement?.description).toContain('31 March 2027 at 12:00');
    expect(release.planning.milestones.map((m) => m.id)).toEqual(['engagement', 'expressionOfInterest', 'event-ev-1', 'event-ev-2']);
    expect(release.planning.milestones.every((m) => m.type === 'engagement')).toBe(true);

    // The UK2 preliminary market engagement notice.
    const notices = release.planning.documents.filter((d) => d.documentType === 'marketEngagementNotice');
    expect(notices).toEqual([
      expect.objectContaining({
        noticeType: 'UK2',
        url: 'https://lmep.example.org/tenders/6650a1b2c3d4e5f6a7b8c9e1',
        datePublished: '2027-02-15T09:00:00.000Z',
      }),
    ]);
    expect(release.planning.documents[1]).toMatchObject({
      id: '6650a1b2c3d4e5f6a7b8caa1',
      url: 'https://lmep.example.org/api/v1/tenders/6650a1b2c3d4e5f6a7b8c9e1/documents/6650a1b2c3d4e5f6a7b8caa1',
      format: 'application/pdf',
    });

    // Published enquiries, oldest answer first, with nobody's identity.
    expect(t.enquiries).toEqual([
      {
        id: 'cq-1',
        date: '2027-02-18T08:30:00.000Z',
        description: 'Will staff transfer under TUPE?',
        answer: 'Yes, TUPE is expected to apply to library staff.',
        dateAnswered: '2027-02-19T11:00:00.000Z',
      },
      {
        id: 'cq-2',
        date: '2027-02-20T10:00:00.000Z',
        description: 'Can a consortium of charities express interest in one lot?',
        answer: 'Yes. Name a lead organisation in the expression of interest.',
        dateAnswered: '2027-02-22T15:00:00.000Z',
      },
    ]);
    for (const e of t.enquiries ?? []) expect(e).not.toHaveProperty('author');
    expect(release.parties.every((p) => !p.roles.includes('enquirer'))).toBe(true);
  });

  test('is pure: the same inputs give the same release, and a later answer gives a new release id', () => {
    const a = toOcdsRelease(tender(), enquiries, opts);
    expect(toOcdsRelease(tender(), [...enquiries].reverse(), opts)).toEqual(a);
    const later = { id: 'cq-3', question: 'Q?', answer: 'A.', askedAt: '2027-02-25T10:00:00Z', answeredAt: '2027-02-26T10:00:00Z' };
    const b = toOcdsRelease(tender(), [...enquiries, later], opts);
    expect(b.id).not.toBe(a.id);
    expect(b.date).toBe('2027-02-26T10:00:00.000Z');
  });

  test('once the questionnaire deadline has passed, the engagement milestone is met', () => {
    const release = toOcdsRelease(tender(), enquiries, { ...opts, now: new Date('2027-04-01T00:00:00Z') });
    expectValid(release);
    expect(release.planning.milestones[0]).toMatchObject({ id: 'engagement', status: 'met', dateMet: '2027-03-31T11:00:00.000Z' });
    expect(release.date).toBe('2027-03-31T11:00:00.000Z');
  });

  test('a draft with no lots, values, term, documents or enquiries is valid', () => {
    const release = toOcdsRelease(
      tender({
        status: 'draft',
        lots: [],
        estimatedValue: null,
        contractTermMonths: null,
        engagementEvents: [],
        publishedAt: null,
        documents: [],
        updatedAt: '2027-02-03T10:00:00.000Z',
      }),
      [],
      { now: new Date('2027-02-04T00:00:00Z') },
    );
    expectValid(release);
    expect(release.tag).toEqual(['planning']);
    expect(release.tender.status).toBe('planning');
    for (const field of ['lots', 'value', 'minValue', 'contractPeriod', 'enquiries', 'hasEnquiries']) {
      expect(release.tender).not.toHaveProperty(field);
    }
    expect(release.tender.enquiryPeriod).toEqual({ endDate: '2027-03-10T12:00:00.000Z' });
    expect(release.tender.suitability).toEqual({ sme: true, vcse: true });
    expect(release.publisher).toEqual({ legalName: 'London Library Market Engagement Portal' });
    const [notice] = release.planning.documents;
    expect(notice).toMatchObject({ documentType: 'marketEngagementNotice', noticeType: 'UK2' });
    expect(notice).not.toHaveProperty('url');
    expect(notice).not.toHaveProperty('datePublished');
    expect(release.date).toBe('2027-02-03T10:00:00.000Z');
  });

  test('a cancelled exercise is valid, cancelled, and its engagement milestone not met', () => {
    const release = toOcdsRelease(
      tender({ status: 'cancelled', cancelledAt: '2027-03-05T09:00:00.000Z', updatedAt: '2027-03-05T09:00:00.000Z' }),
      enquiries,
      { ...opts, now: new Date('2027-03-06T00:00:00Z') },
    );
    expectValid(release);
    expect(release.tender.status).toBe('cancelled');
    expect(release.tender.lots?.every((l) => l.status === 'cancelled')).toBe(true);
    expect(release.planning).toMatchObject({ finalStatus: 'cancelled', finalStatusDate: '2027-03-05T09:00:00.000Z' });
    expect(release.planning.milestones[0]).toMatchObject({ id: 'engagement', status: 'notMet' });
    expect(release.date).toBe('2027-03-05T09:00:00.000Z');
  });

  test('a closed exercise is valid and its engagement milestone met', () => {
    const release = toOcdsRelease(
      tender({ status: 'closed', closedAt: '2027-04-02T09:00:00.000Z', updatedAt: '2027-04-02T09:00:00.000Z' }),
      enquiries,
      { ...opts, now: new Date('2027-04-03T00:00:00Z') },
    );
    expectValid(release);
    expect(release.tender.status).toBe('planning');
    expect(release.planning).not.toHaveProperty('finalStatus');
    expect(release.planning.milestones[0]).toMatchObject({ status: 'met', dateMet: '2027-03-31T11:00:00.000Z' });
  });

  test('a borough that is not on the London register still gets a usable buyer party', () => {
    const release = toOcdsRelease(tender({ borough: { id: 'b1', slug: 'elsewhere', name: 'Elsewhere' } }), [], opts);
    expectValid(release);
    expect(release.parties[0]).toMatchObject({ id: 'borough-b1', name: 'Elsewhere', roles: ['buyer'] });
    expect(release.parties[0]).not.toHaveProperty('identifier');
    expect(release.buyer.id).toBe('borough-b1');
  });
});

/** A copy of `data` with the value at `at` replaced (or removed, for `undefined`). */
function edited(data: Json, at: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(data);
  const parent = at.slice(0, -1).reduce<Json | undefined>((node, key) => {
    if (Array.isArray(node) && typeof key === 'number') return node[key];
    return isObject(node) ? node[key] : undefined;
  }, copy);
  const last = at[at.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (value === undefined) parent.splice(last, 1);
    else parent[last] = value;
  } else if (isObject(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  } else {
    throw new Error(`nothing at ${at.join('/')}`);
  }
  return copy;
}

describe('the merged OCDS schema really checks', () => {
  const good = asJson(toOcdsRelease(tender(), enquiries, opts));

  test('the unedited release is valid', () => {
    expect(errorsOf(validateMerged, good)).toEqual([]);
  });

  test.each<[string, (string | number)[], Json | undefined]>([
    ['no ocid', ['ocid'], undefined],
    ['a tag that is not a list', ['tag'], 'nonsense'],
    ['an empty tag list', ['tag'], []],
    ['an initiationType outside the codelist', ['initiationType'], 'planning'],
    ['a tender status outside the closed codelist', ['tender', 'status'], 'open'],
    ['a release date that is not a date-time', ['date'], '31/03/2027'],
    ['a milestone due date that is not a date-time', ['planning', 'milestones', 0, 'dueDate'], '2027-03-31'],
    ['a currency outside the codelist', ['tender', 'value', 'currency'], 'XXY'],
    ['suitability.vcse that is not a boolean (UK extension)', ['tender', 'suitability', 'vcse'], 'yes'],
    ['an empty suitability (suitability extension)', ['tender', 'suitability'], {}],
    ['an enquiry without an id (enquiry extension)', ['tender', 'enquiries', 0, 'id'], undefined],
    ['a noticeType that is not a string (UK extension)', ['planning', 'documents', 0, 'noticeType'], 2],
    ['durationInMonths that is not an integer (UK extension)', ['tender', 'contractPeriod', 'durationInMonths'], 2.5],
    ['a lot value that is not a number', ['tender', 'lots', 0, 'value', 'amount'], '6000000'],
    ['a lot without an id', ['tender', 'lots', 0, 'id'], undefined],
    ['a buyer scale outside the closed partyScale codelist', ['parties', 0, 'details', 'scale'], 'huge'],
    ['bids that are not an object (bid extension)', ['bids'], []],
  ])('rejects %s', (_label, at, value) => {
    expect(errorsOf(validateMerged, edited(good, at, value))).not.toEqual([]);
  });

  test('the extensions are what make the UK and enquiry fields checked', () => {
    const release = edited(edited(good, ['tender', 'suitability', 'vcse'], 'yes'), ['tender', 'enquiries', 0, 'id'], undefined);
    expect(errorsOf(validateCore, release)).toEqual([]);
    expect(errorsOf(validateMerged, release).length).toBeGreaterThanOrEqual(2);
  });

  test('a field the schema does not declare is reported', () => {
    expect(undeclaredFields(edited(good, ['tender', 'enquries'], []), mergedSchema())).toEqual(['/tender/enquries']);
  });
});
