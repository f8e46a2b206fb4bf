/**
 * OCDS export of a market engagement exercise (SPEC capability 1, `GET /api/v1/tenders/:id/ocds`).
 *
 * An exercise is a *preliminary market engagement* (Procurement Act 2023 s.16–17), so it is published as a
 * planning-stage release shaped like Find a Tender's UK2 notices: tag `planning`, the notice itself as a
 * `planning.documents` entry with documentType `marketEngagementNotice` and the UK extension's
 * `noticeType: 'UK2'`, and the engagement closing date as the `planning.milestones` entry with id and type
 * `engagement` (regulation 17(2)(e) of SI 2024/692). No bids are invited yet, so there is no `tenderPeriod`.
 *
 * Fields used beyond the OCDS core: `tender.lots` (lots), `tender.enquiries` (enquiry), `tender.suitability`
 * (suitability + UK `vcse`), `Document.noticeType` and `Period.durationInMonths` (UK). The test validates the
 * output against the core schema with those extensions merged in (test/fixtures/ocds/).
 */
import { LONDON_AUTHORITIES } from '../platform/boroughs';
import type { Tender } from './tenders.service';

/**
 * OCID prefix of this publisher. OCDS prefixes are issued by the Open Contracting Partnership
 * (`ocds-` + six characters); this placeholder must be replaced by the registered one before the
 * data is published anywhere that aggregates OCIDs.
 */
export const OCID_PREFIX = 'ocds-lmep';

export const OCDS_PUBLISHER_NAME = 'London Library Market Engagement Portal';

/** Organisation identifier list for local authorities in England (org-id.guide `GB-LAE`, three-letter codes). */
export const LOCAL_AUTHORITY_SCHEME = 'GB-LAE';
/**
 * The ONS GSS code of the authority's area (e.g. `E09000007`). There is no org-id.guide list for GSS codes
 * (they name statistical geographies, not legal entities), so they are only ever an *additional* identifier,
 * under this deliberately non-org-id scheme name, to let users join with ONS data.
 */
export const ONS_GSS_SCHEME = 'ONS-GSS';

/** A clarification question whose answer has been published to everyone. Never carries the asker's identity. */
export interface PublishedEnquiry {
  id: string;
  question: string;
  answer: string;
  askedAt: string;
  answeredAt: string;
}

export interface OcdsValue {
  amount: number;
  currency: 'GBP';
}

export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
  durationInDays?: number;
  /** UK extension. */
  durationInMonths?: number;
}

export interface OcdsIdentifier {
  scheme?: string;
  id?: string;
  legalName?: string;
  uri?: string;
}

export interface OcdsClassification {
  scheme: string;
  id: string;
  description?: string;
}

export interface OcdsOrganization {
  id: string;
  name: string;
  identifier?: OcdsIdentifier;
  additionalIdentifiers?: OcdsIdentifier[];
  address?: { locality?: string; country?: string; countryName?: string };
  roles: string[];
  details?: { classifications?: OcdsClassification[] };
}

export interface OcdsDocument {
  id: string;
  documentType?: string;
  /** UK extension: the Procurement Act notice type, e.g. `UK2`. */
  noticeType?: string;
  title?: string;
  description?: string;
  url?: string;
  datePublished?: string;
  dateModified?: string;
  format?: string;
  language?: string;
}

export type OcdsMilestoneStatus = 'scheduled' | 'met' | 'notMet' | 'partiallyMet';

export interface OcdsMilestone {
  id: string;
  type: string;
  title?: string;
  description?: string;
  dueDate?: string;
  dateMet?: string;
  dateModified?: string;
  status?: OcdsMilestoneStatus;
}

export interface OcdsSuitability {
  sme?: boolean;
  /** UK extension. */
  vcse?: boolean;
}

export type OcdsTenderStatus = 'planning' | 'planned' | 'active' | 'complete' | 'cancelled' | 'unsuccessful' | 'withdrawn';

export interface OcdsLot {
  id: string;
  title: string;
  description?: string;
  status: OcdsTenderStatus;
  value?: OcdsValue;
  suitability: OcdsSuitability;
}

/** Enquiry extension. No `author`: askers stay anonymous. */
export interface OcdsEnquiry {
  id: string;
  date: string;
  description: string;
  answer: string;
  dateAnswered: string;
}

export interface OcdsTender {
  id: string;
  title: string;
  description: string;
  status: OcdsTenderStatus;
  mainProcurementCategory: 'services';
  items: { id: string; description: string; classification: OcdsClassification }[];
  value?: OcdsValue;
  minValue?: OcdsValue;
  contractPeriod?: OcdsPeriod;
  enquiryPeriod: OcdsPeriod;
  hasEnquiries?: boolean;
  enquiries?: OcdsEnquiry[];
  lots?: OcdsLot[];
  suitability: OcdsSuitability;
}

export interface OcdsPlanning {
  milestones: OcdsMilestone[];
  documents: OcdsDocument[];
  finalStatus?: 'cancelled' | 'unsuccessful';
  finalStatusDate?: string;
}

export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  language: 'en';
  tag: string[];
  initiationType: 'tender';
  publisher: OcdsIdentifier;
  parties: OcdsOrganization[];
  buyer: { id: string; name: string };
  planning: OcdsPlanning;
  tender: OcdsTender;
}

export interface OcdsOptions {
  /** Public base URL of the portal (e.g. `https://lmep.example.org`); without it, no URLs are given. */
  publisherUri?: string;
  /** The clock: decides which deadlines have passed, and so the release's date. */
  now: Date;
}

/** Local Authorities for England register (GB-LAE) codes and official names, by ONS GSS code. */
const LOCAL_AUTHORITY_REGISTER: Readonly<Record<string, { code: string; officialName: string }>> = {
  E09000001: { code: 'LND', officialName: 'City of London Corporation' },
  E09000002: { code: 'BDG', officialName: 'London Borough of Barking and Dagenham' },
  E09000003: { code: 'BNE', officialName: 'London Borough of Barnet' },
  E09000004: { code: 'BEX', officialName: 'London Borough of Bexley' },
  E09000005: { code: 'BEN', officialName: 'London Borough of Brent' },
  E09000006: { code: 'BRY', officialName: 'London Borough of Bromley' },
  E09000007: { code: 'CMD', officialName: 'London Borough of Camden' },
  E09000008: { code: 'CRY', officialName: 'London Borough of Croydon' },
  E09000009: { code: 'EAL', officialName: 'London Borough of Ealing' },
  E09000010: { code: 'ENF', officialName: 'London Borough of Enfield' },
  E09000011: { code: 'GRE', officialName: 'Royal Borough of Greenwich' },
  E09000012: { code: 'HCK', officialName: 'London Borough of Hackney' },
  E09000013: { code: 'HMF', officialName: 'London Borough of Hammersmith & Fulham' },
  E09000014: { code: 'HRY', officialName: 'London Borough of Haringey' },
  E09000015: { code: 'HRW', officialName: 'London Borough of Harrow' },
  E09000016: { code: 'HAV', officialName: 'London Borough of Havering' },
  E09000017: { code: 'HIL', officialName: 'London Borough of Hillingdon' },
  E09000018: { code: 'HNS', officialName: 'London Borough of Hounslow' },
  E09000019: { code: 'ISL', officialName: 'London Borough of Islington' },
  E09000020: { code: 'KEC', officialName: 'Royal Borough of Kensington and Chelsea' },
  E09000021: { code: 'KTT', officialName: 'Royal Borough of Kingston upon Thames' },
  E09000022: { code: 'LBH', officialName: 'London Borough of Lambeth' },
  E09000023: { code: 'LEW', officialName: 'London Borough of Lewisham' },
  E09000024: { code: 'MRT', officialName: 'London Borough of Merton' },
  E09000025: { code: 'NWM', officialName: 'London Borough of Newham' },
  E09000026: { code: 'RDB', officialName: 'London Borough of Redbridge' },
  E09000027: { code: 'RIC', officialName: 'London Borough of Richmond upon Thames' },
  E09000028: { code: 'SWK', officialName: 'London Borough of Southwark' },
  E09000029: { code: 'STN', officialName: 'London Borough of Sutton' },
  E09000030: { code: 'TWH', officialName: 'London Borough of Tower Hamlets' },
  E09000031: { code: 'WFT', officialName: 'London Borough of Waltham Forest' },
  E09000032: { code: 'WND', officialName: 'London Borough of Wandsworth' },
  E09000033: { code: 'WSM', officialName: 'City of Westminster' },
};

const ONS_CODE_BY_SLUG: ReadonlyMap<string, string> = new Map(LONDON_AUTHORITIES.map((a) => [a.slug, a.onsCode]));

/** CPV 92511000 "Library services": every exercise on this portal is for a library service. */
const LIBRARY_SERVICES_ITEM = {
  id: 'library-services',
  description: 'Public library services',
  classification: { scheme: 'CPV', id: '92511000', description: 'Library services' },
};

const EVENT_FORMAT_LABELS: Record<string, string> = { in_person: 'In person', online: 'Online', hybrid: 'Hybrid' };

/** Average Gregorian month, for the approximate `durationInDays` (the exact figure is `durationInMonths`). */
const DAYS_PER_MONTH = 365.2425 / 12;

export function ocidFor(tenderId: string): string {
  return `${OCID_PREFIX}-${tenderId}`;
}

/**
 * tenderStatus for an exercise. The codelist's `active`, `complete` and `unsuccessful` are about contracting
 * documents being available and a *bid* deadline, neither of which exists in a market engagement, so a draft,
 * open or closed exercise stays `planning` ("a future contracting process is being considered … early
 * engagement or consultation opportunities"); Find a Tender also uses `planning` for UK1–UK3 notices. Whether
 * the engagement is still open is carried by the `engagement` milestone's status instead. A cancelled
 * exercise is `cancelled`, with `planning.finalStatus` saying the planning process itself ended.
 */
export function ocdsTenderStatus(status: Tender['status']): OcdsTenderStatus {
  return status === 'cancelled' ? 'cancelled' : 'planning';
}

function iso(value: string): string {
  return new Date(value).toISOString();
}

function pounds(amount: number): OcdsValue {
  return { amount: Math.round(amount), currency: 'GBP' };
}

function londonTime(value: string): string {
  return new Date(value).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });
}

/** Drops `undefined` members, so the release serialises and validates the same way. */
function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => prune(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, prune(v)]),
    ) as T;
  }
  return value;
}

function buyerParty(borough: Tender['borough']): OcdsOrganization {
  const onsCode = ONS_CODE_BY_SLUG.get(borough.slug);
  const register = onsCode ? LOCAL_AUTHORITY_REGISTER[onsCode] : undefined;
  const gss: OcdsIdentifier | undefined = onsCode ? { scheme: ONS_GSS_SCHEME, id: onsCode } : undefined;
  const identifier: OcdsIdentifier | undefined = register
    ? { scheme: LOCAL_AUTHORITY_SCHEME, id: register.code, legalName: register.officialName }
    : gss;
  return {
    // OCDS: `{identifier.scheme}-{identifier.id}` when there is a primary identifier.
    id: identifier ? `${identifier.scheme}-${identifier.id}` : `borough-${borough.id}`,
    name: register?.officialName ?? borough.name,
    identifier,
    additionalIdentifiers: register && gss ? [gss] : undefined,
    address: { locality: 'London', country: 'GB', countryName: 'United Kingdom' },
    roles: ['buyer'],
    details: {
      classifications: [
        { scheme: 'UK_CA_TYPE', id: 'publicAuthoritySubCentralGovernment', description: 'Public authority - sub-central government' },
      ],
    },
  };
}

/** Regulation 17(2)(f): how the authority will engage (events, and periods for EOIs and information). */
function engagementProcess(tender: Tender): string {
  const parts = [
    `Register an expression of interest by ${londonTime(tender.eoiDeadline)} and complete the market-testing questionnaire by ${londonTime(tender.questionnaireDeadline)}.`,
    `Clarification questions can be asked until ${londonTime(tender.clarificationDeadline)}; answers are published to everyone, without the name of whoever asked.`,
  ];
  if (tender.engagementEvents.length > 0) {
    const events = [...tender.engagementEvents]
      .sort((a, b) => iso(a.startsAt).localeCompare(iso(b.startsAt)) || a.id.localeCompare(b.id))
      .map(
        (e) =>
          `${e.title} (${(EVENT_FORMAT_LABELS[e.format] ?? e.format).toLowerCase()}, ${londonTime(e.startsAt)}${e.location ? `, ${e.location}` : ''})`,
      );
    parts.push(`Engagement events: ${events.join('; ')}.`);
  }
  return parts.join(' ');
}

/** The engagement closes at the questionnaire deadline; its status as of `now`. */
function engagementOutcome(tender: Tender, now: string): Pick<OcdsMilestone, 'status' | 'dateMet'> {
  const deadline = iso(tender.questionnaireDeadline);
  if (tender.status === 'cancelled') {
    const cancelledAt = tender.cancelledAt ? iso(tender.cancelledAt) : now;
    return cancelledAt < deadline ? { status: 'notMet' } : { status: 'met', dateMet: deadline };
  }
  if (tender.status === 'closed') {
    const closedAt = tender.closedAt ? iso(tender.closedAt) : deadline;
    return { status: 'met', dateMet: closedAt < deadline ? closedAt : deadline };
  }
  // Answers are still taken at the deadline's very instant, so the engagement closes only after it.
  if (tender.status === 'published' && deadline < now) return { status: 'met', dateMet: deadline };
  return { status: 'scheduled' };
}

/**
 * The OCDS release for an exercise as it stands at `opts.now`. Pure: the same inputs give the same release.
 * The release `date` (and so its `id`) is the latest thing that happened to the exercise by then: an edit,
 * publication, closure, cancellation, a published answer, or a deadline passing.
 */
export function toOcdsRelease(tender: Tender, enquiries: PublishedEnquiry[], opts: OcdsOptions): OcdsRelease {
  const now = opts.now.toISOString();
  const base = opts.publisherUri?.replace(/\/+$/, '');
  const ocid = ocidFor(tender.id);
  const status = ocdsTenderStatus(tender.status);
  const suitability: OcdsSuitability = { sme: true, vcse: true };

  // Things that have happened by `now`; an open exercise's questionnaire deadline passing changes the release.
  const happened = [
    tender.createdAt,
    tender.updatedAt,
    tender.publishedAt,
    tender.closedAt,
    tender.cancelledAt,
    tender.status === 'published' ? tender.questionnaireDeadline : null,
    ...enquiries.map((e) => e.answeredAt),
  ]
    .filter((d): d is string => Boolean(d))
    .map(iso)
    .filter((d) => d <= now);
  const date = happened.length > 0 ? happened.reduce((a, b) => (a > b ? a : b)) : iso(tender.updatedAt);

  const party = buyerParty(tender.borough);

  const published = [...enquiries].sort((a, b) => iso(a.answeredAt).localeCompare(iso(b.answeredAt)) || a.id.localeCompare(b.id));

  const termMonths = tender.contractTermMonths;

  const milestones: OcdsMilestone[] = [
    {
      id: 'engagement',
      type: 'engagement',
      title: 'Market engagement closes (questionnaire deadline)',
      description: engagementProcess(tender),
      dueDate: iso(tender.questionnaireDeadline),
      ...engagementOutcome(tender, now),
      dateModified: date,
    },
    {
      id: 'expressionOfInterest',
      type: 'engagement',
      title: 'Expressions of interest close',
      dueDate: iso(tender.eoiDeadline),
    },
    ...[...tender.engagementEvents]
      .sort((a, b) => iso(a.startsAt).localeCompare(iso(b.startsAt)) || a.id.localeCompare(b.id))
      .map((e): OcdsMilestone => ({
        id: `event-${e.id}`,
        type: 'engagement',
        title: e.title,
        description: [EVENT_FORMAT_LABELS[e.format] ?? e.format, e.location].filter(Boolean).join(': '),
        dueDate: iso(e.startsAt),
      })),
  ];

  const documents: OcdsDocument[] = [
    {
      id: `${tender.reference}-UK2`,
      documentType: 'marketEngagementNotice',
      noticeType: 'UK2',
      title: `Preliminary market engagement notice: ${tender.title}`,
      description: `Preliminary market engagement notice (Procurement Act 2023, section 17) on the ${OCDS_PUBLISHER_NAME}`,
      url: base ? `${base}/tenders/${encodeURIComponent(tender.id)}` : undefined,
      datePublished: tender.publishedAt ? iso(tender.publishedAt) : undefined,
      dateModified: tender.publishedAt ? date : undefined,
      format: 'text/html',
      language: 'en',
    },
    ...tender.documents.map((d): OcdsDocument => ({
      id: d.id,
      title: d.title,
      description: d.version > 1 ? `${d.filename} (version ${d.version})` : d.filename,
      url: base ? `${base}/api/v1/tenders/${encodeURIComponent(tender.id)}/documents/${encodeURIComponent(d.id)}` : undefined,
      datePublished: iso(d.uploadedAt),
      format: d.contentType,
    })),
  ];

  const release: OcdsRelease = {
    ocid,
    id: `${ocid}-planning-${date}`,
    date,
    language: 'en',
    tag: ['planning'],
    initiationType: 'tender',
    publisher: { legalName: OCDS_PUBLISHER_NAME, uri: base },
    parties: [party],
    buyer: { id: party.id, name: party.name },
    planning: {
      milestones,
      documents,
      ...(tender.status === 'cancelled'
        ? { finalStatus: 'cancelled' as const, finalStatusDate: tender.cancelledAt ? iso(tender.cancelledAt) : undefined }
        : {}),
    },
    tender: {
      id: tender.reference,
      title: tender.title,
      description: tender.summary,
      status,
      mainProcurementCategory: 'services',
      items: [LIBRARY_SERVICES_ITEM],
      // The whole-contract estimate: the top of the range is the value, the bottom the minimum value.
      value: tender.estimatedValue ? pounds(tender.estimatedValue.max) : undefined,
      minValue: tender.estimatedValue ? pounds(tender.estimatedValue.min) : undefined,
      contractPeriod: termMonths ? { durationInMonths: termMonths, durationInDays: Math.round(termMonths * DAYS_PER_MONTH) } : undefined,
      enquiryPeriod: {
        startDate: tender.publishedAt ? iso(tender.publishedAt) : undefined,
        endDate: iso(tender.clarificationDeadline),
      },
      // Only published answers are known here; with none, whether any were asked is left unsaid.
      hasEnquiries: published.length > 0 ? true : undefined,
      enquiries:
        published.length > 0
          ? published.map((e) => ({
              id: e.id,
              date: iso(e.askedAt),
              description: e.question,
              answer: e.answer,
              dateAnswered: iso(e.answeredAt),
            }))
          : undefined,
      lots:
        tender.lots.length > 0
          ? tender.lots.map((l): OcdsLot => ({
              id: l.id,
              title: l.title,
              description: l.description || undefined,
              status,
              // Lot values are kept per year; OCDS wants the lot's whole value, so only given when the term is known.
              value: l.estimatedAnnualValue !== null && termMonths ? pounds((l.estimatedAnnualValue * termMonths) / 12) : undefined,
              suitability,
            }))
          : undefined,
      suitability,
    },
  };
  return prune(release);
}
