import type supertest from 'supertest';
import type { Answers } from '../../src/questionnaires';
import { SECTORS, type Sector } from '../../src/suppliers';
import { signedInAs, type TestApp } from './app';
import { createOfficer, registeredSupplier, tenderBodyNextYear } from './factories';

type Client = { agent: supertest.Agent; csrfToken: string };
export type SectorNumbers = Partial<Record<Sector, number>>;

/** One organisation of the market: registered, signed in, interested, and perhaps answering. */
export interface MarketMember {
  sector: Sector;
  /** Position within its sector, from 0. */
  index: number;
  organisationId: string;
  name: string;
  email: string;
  agent: supertest.Agent;
  csrfToken: string;
  /** How far it got: only an interest, a saved draft, or a submitted response. */
  status: 'interest' | 'draft' | 'submitted';
}

export interface MarketOptions {
  /** The borough of the exercise; 'hackney' unless given. */
  borough?: string;
  /** A signed-in officer of that borough; one is created when absent. */
  officer?: Client;
  /** Overrides for the exercise body (tenderBodyNextYear: lots of £450,000 and £60,000 a year, deadlines next year). */
  tender?: Record<string, unknown>;
  /** The questionnaire body for PUT .../questionnaire; the library-smt-v1 template unless given. */
  questionnaire?: object;
  /** Expressions of interest by sector. */
  interests: SectorNumbers;
  /** Organisations with a response, draft or submitted, by sector (includes `submitted`). */
  started?: SectorNumbers;
  /** Submitted responses by sector. */
  submitted?: SectorNumbers;
  /** An organisation's name; `${sector} organisation ${index + 1}` style names unless given. */
  name?: (sector: Sector, index: number) => string | undefined;
  /** Extra organisation fields for registration (legalForm, size, identifiers...). */
  organisation?: (sector: Sector, index: number) => Record<string, unknown> | undefined;
  /** Extra fields of the expression of interest (lotIds are lot ids of the exercise; heardVia...). */
  interest?: (sector: Sector, index: number, lotIds: string[]) => Record<string, unknown> | undefined;
  /** Answers merged over defaultAnswers(sector) for drafts and submissions. */
  answers?: (sector: Sector, index: number) => Answers | undefined;
}

export interface Market {
  tenderId: string;
  /** The exercise's lot ids, in order. */
  lotIds: string[];
  officer: Client;
  /** Every organisation, sector by sector in SPEC order, by index within the sector. */
  members: MarketMember[];
}

const LEGAL_FORM: Record<Sector, Record<string, unknown>> = {
  private: { legalForm: 'company', size: 'medium', identifiers: [{ scheme: 'GB-COH', id: '01234567' }] },
  public: { legalForm: 'other_public_body', size: 'large', identifiers: [] },
  voluntary: { legalForm: 'registered_charity', size: 'small', identifiers: [{ scheme: 'GB-CHC', id: '1123456' }] },
  social_enterprise: { legalForm: 'cic', size: 'micro', identifiers: [] },
};

const HEARD_VIA: Record<Sector, string> = {
  private: 'contracts_finder',
  public: 'council_website',
  voluntary: 'cvs_network',
  social_enterprise: 'word_of_mouth',
};

/** The largest yearly contract each sector says it could take on, by default (lots are £450,000 and £60,000). */
export const DEFAULT_CAPACITY: Record<Sector, number> = {
  private: 1_000_000,
  public: 500_000,
  voluntary: 100_000,
  social_enterprise: 50_000,
};

/** The barriers each sector names by default. */
export const DEFAULT_BARRIERS: Record<Sector, string[]> = {
  private: ['timescales'],
  public: ['tupe_pensions', 'timescales'],
  voluntary: ['contract_size', 'bid_writing_capacity', 'insurance_levels'],
  social_enterprise: ['contract_size', 'payment_terms'],
};

/** A complete, valid answer set for the library-smt-v1 template. */
export function defaultAnswers(sector: Sector): Answers {
  return {
    relevant_experience: `We run services like this in the ${sector} sector.`,
    staff_available: 12,
    volunteers: sector === 'voluntary',
    // The template offers the exercise's own lots (lot_1, …) and the whole service.
    lots_of_interest: sector === 'private' ? ['whole_service'] : ['lot_1'],
    likelihood_to_bid: sector === 'private' ? 5 : sector === 'public' ? 4 : 2,
    start_within_12_months: false,
    preferred_contract_length: sector === 'private' ? '5_to_10_years' : 'up_to_3_years',
    largest_contract_value: DEFAULT_CAPACITY[sector],
    tupe_experience: false,
    barriers: DEFAULT_BARRIERS[sector],
    what_would_help: 'Smaller lots and more time.',
    open_to_partnering: true,
  };
}

const count = (n: SectorNumbers | undefined, s: Sector) => n?.[s] ?? 0;

/**
 * A published exercise of one borough with organisations of each sector that expressed interest, saved
 * drafts and submitted responses, all through the HTTP API (registration, interest, answers, submission).
 */
export async function buildMarket(t: TestApp, opts: MarketOptions): Promise<Market> {
  const borough = opts.borough ?? 'hackney';
  const officer = opts.officer ?? (await signedInAs(t.app, (await createOfficer(t.auth, borough)).email));
  const send = (c: Client, method: 'post' | 'put', path: string, body?: object) =>
    c.agent[method](path).set('X-CSRF-Token', c.csrfToken).send(body);
  const expectStatus = (res: supertest.Response, status: number, what: string) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };

  const created = expectStatus(await send(officer, 'post', '/api/v1/tenders', tenderBodyNextYear(opts.tender)), 201, 'create exercise');
  const tenderId = created.body.id as string;
  const lotIds = (created.body.lots as { id: string }[]).map((l) => l.id);
  expectStatus(
    await send(officer, 'put', `/api/v1/tenders/${tenderId}/questionnaire`, opts.questionnaire ?? { template: 'library-smt-v1' }),
    200,
    'questionnaire',
  );
  expectStatus(await send(officer, 'post', `/api/v1/tenders/${tenderId}/publish`), 200, 'publish');

  const members: MarketMember[] = [];
  for (const sector of SECTORS) {
    for (let index = 0; index < count(opts.interests, sector); index += 1) {
      const name = opts.name?.(sector, index) ?? `${sector.replace('_', ' ')} organisation ${index + 1}`;
      const supplier = await registeredSupplier(t.app, {
        organisation: { name, sector, ...LEGAL_FORM[sector], ...opts.organisation?.(sector, index) },
      });
      const interestLots = sector === 'voluntary' || sector === 'social_enterprise' ? lotIds.slice(-1) : lotIds;
      expectStatus(
        await send(supplier, 'post', `/api/v1/tenders/${tenderId}/interests`, {
          lotIds: interestLots,
          contactName: 'Pat Contact',
          contactEmail: supplier.email,
          consortium: false,
          willingToPartner: false,
          heardVia: HEARD_VIA[sector],
          ...opts.interest?.(sector, index, lotIds),
        }),
        201,
        `interest of ${name}`,
      );
      let status: MarketMember['status'] = 'interest';
      if (index < count(opts.started, sector) || index < count(opts.submitted, sector)) {
        const answers = { ...defaultAnswers(sector), ...opts.answers?.(sector, index) };
        expectStatus(await send(supplier, 'put', `/api/v1/tenders/${tenderId}/response`, { answers }), 200, `draft of ${name}`);
        status = 'draft';
        if (index < count(opts.submitted, sector)) {
          const res = await supplier.agent
            .post(`/api/v1/tenders/${tenderId}/response/submit`)
            .set('X-CSRF-Token', supplier.csrfToken)
            .set('Idempotency-Key', `market-${tenderId}-${sector}-${index}`);
          expectStatus(res, 201, `submission of ${name}`);
          status = 'submitted';
        }
      }
      members.push({ sector, index, name, status, ...supplier });
    }
  }
  return { tenderId, lotIds, officer, members };
}

/** The bulletin's borough: 30 interests (14, 10, 4, 2), 12 started (5, 4, 2, 1), 10 submitted (5, 4, 1, 0). */
export const BULLETIN_MARKET = {
  interests: { private: 14, public: 10, voluntary: 4, social_enterprise: 2 },
  started: { private: 5, public: 4, voluntary: 2, social_enterprise: 1 },
  submitted: { private: 5, public: 4, voluntary: 1, social_enterprise: 0 },
} as const satisfies Pick<MarketOptions, 'interests' | 'started' | 'submitted'>;
