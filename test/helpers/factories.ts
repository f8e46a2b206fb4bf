import type { AuthService, PublicUser } from '../../src/auth';
import type { Express } from 'express';
import { apiClient, STRONG_PASSWORD } from './app';
import { send, type Client } from './client';

let counter = 0;

/** A unique email address for a test. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}@example.org`;
}

export function createOfficer(auth: AuthService, borough = 'camden', email = uniqueEmail('officer')): Promise<PublicUser> {
  return auth.createUser({ role: 'officer', email, password: STRONG_PASSWORD, name: 'Olive Officer', borough });
}

export function createAdmin(auth: AuthService, email = uniqueEmail('admin')): Promise<PublicUser> {
  return auth.createUser({ role: 'admin', email, password: STRONG_PASSWORD, name: 'Ada Admin' });
}

/** A valid registration body for POST /api/v1/auth/register. */
export function registration(overrides: { organisation?: Record<string, unknown> } & Record<string, unknown> = {}) {
  const { organisation, ...rest } = overrides;
  return {
    email: uniqueEmail('supplier'),
    password: STRONG_PASSWORD,
    name: 'Sam Supplier',
    organisation: {
      name: 'Friends of the Library',
      sector: 'voluntary',
      legalForm: 'registered_charity',
      size: 'small',
      identifiers: [{ scheme: 'GB-CHC', id: '1123456' }],
      postcode: 'se1 7pb',
      areas: ['southwark', 'lambeth'],
      ...organisation,
    },
    ...rest,
  };
}

/** A valid body for POST /api/v1/tenders, with deadlines after the test clock's start (2027-01-10). */
export function tenderBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Community library services in the north of the borough',
    summary: 'We want to hear from groups who could run three small libraries. Tell us what would help you take part.',
    specification: 'The provider will run three branch libraries, open at least 40 hours a week, with a home library service.',
    lots: [
      { title: 'Branch libraries', description: 'Three branches', estimatedAnnualValue: 450000 },
      { title: 'Home library service', description: 'Deliveries to housebound residents', estimatedAnnualValue: 60000 },
    ],
    estimatedValue: { min: 1500000, max: 2500000 },
    contractTermMonths: 60,
    tupe: 'yes',
    clarificationDeadline: '2027-02-01T12:00:00Z',
    eoiDeadline: '2027-02-15T12:00:00Z',
    questionnaireDeadline: '2027-03-01T12:00:00Z',
    sealed: false,
    shareFindings: true,
    thirdSectorTarget: 0.3,
    ...overrides,
  };
}

/** A supplier signed in through the API, with its email and its organisation's id. */
export interface Supplier extends Client {
  email: string;
  organisationId: string;
}

/** A new supplier organisation, registered through the API and signed in, with its CSRF token and email. */
export async function registeredSupplier(app: Express, overrides: Parameters<typeof registration>[0] = {}): Promise<Supplier> {
  const client = await apiClient(app);
  const body = registration(overrides);
  const res = await send(client, 'post', '/api/v1/auth/register', body);
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    agent: client.agent,
    csrfToken: res.body.csrfToken as string,
    email: body.email,
    organisationId: res.body.user.organisationId as string,
  };
}

/** tenderBody() with deadlines in February and March of next year, for tests that run on the real clock. */
export function tenderBodyNextYear(overrides: Record<string, unknown> = {}) {
  const year = new Date().getFullYear() + 1;
  return tenderBody({
    clarificationDeadline: `${year}-02-01T12:00:00.000Z`,
    eoiDeadline: `${year}-02-15T12:00:00.000Z`,
    questionnaireDeadline: `${year}-03-01T12:00:00.000Z`,
    ...overrides,
  });
}

/** A draft exercise of the officer's borough, created through the API from tenderBody(overrides); its id. */
export async function draftExercise(officer: Client, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await send(officer, 'post', '/api/v1/tenders', tenderBody(overrides));
  if (res.status !== 201) throw new Error(`creating the exercise failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/**
 * A published exercise of the officer's borough, through the API; its id. `tender` overrides tenderBody()
 * (a whole body such as tenderBodyNextYear() will do); `questionnaire` is set before publishing.
 */
export async function publishedExercise(
  officer: Client,
  { tender = {}, questionnaire }: { tender?: Record<string, unknown>; questionnaire?: object } = {},
): Promise<string> {
  const id = await draftExercise(officer, tender);
  if (questionnaire) {
    const set = await send(officer, 'put', `/api/v1/tenders/${id}/questionnaire`, questionnaire);
    if (set.status !== 200) throw new Error(`setting the questionnaire failed: ${set.status} ${JSON.stringify(set.body)}`);
  }
  const published = await send(officer, 'post', `/api/v1/tenders/${id}/publish`);
  if (published.status !== 200) throw new Error(`publishing failed: ${published.status} ${JSON.stringify(published.body)}`);
  return id;
}

/** A registered supplier (a micro charity unless `organisation` says otherwise) that has expressed interest in lot 1. */
export async function interestedSupplier(app: Express, exerciseId: string, organisation: Record<string, unknown> = {}): Promise<Supplier> {
  const supplier = await registeredSupplier(app, {
    organisation: { sector: 'voluntary', legalForm: 'registered_charity', size: 'micro', identifiers: [], ...organisation },
  });
  await expressInterest(supplier, exerciseId);
  return supplier;
}

/** A signed-in supplier's organisation expresses interest in a published exercise, through the API. */
export async function expressInterest(supplier: Client, exerciseId: string): Promise<void> {
  const res = await send(supplier, 'post', `/api/v1/tenders/${exerciseId}/interests`, {
    lotIds: ['lot-1'],
    contactName: 'S',
    contactEmail: 's@example.org',
    heardVia: 'event',
  });
  if (res.status !== 201) throw new Error(`expressing interest failed: ${res.status} ${JSON.stringify(res.body)}`);
}

interface SampleQuestion extends Record<string, unknown> {
  key: string;
}

interface SampleQuestionnaire {
  sections: { title: string; description?: string; questions: SampleQuestion[] }[];
}

/**
 * A questionnaire as an officer sends it: two sections, every type of question, two conditions (one on a
 * yes/no, one on a choice in a list). `only` keeps the named questions (and the sections that still have one).
 */
export function sampleQuestionnaire({ only }: { only?: string[] } = {}): SampleQuestionnaire {
  const sections: SampleQuestionnaire['sections'] = [
    {
      title: 'About you',
      description: 'What your organisation does now.',
      questions: [
        { key: 'experience', type: 'textarea', label: 'Your experience', required: true, maxLength: 300 },
        { key: 'tupe', type: 'yesno', label: 'Have you taken on staff under TUPE?', required: true },
        { key: 'pensions', type: 'textarea', label: 'How did you handle pensions?', required: true, showIf: { key: 'tupe', equals: true } },
        { key: 'likelihood', type: 'scale', label: 'How likely are you to bid?', required: true },
      ],
    },
    {
      title: 'Barriers',
      questions: [
        {
          key: 'barriers',
          type: 'multi',
          label: 'What makes it hard to bid?',
          required: true,
          options: [
            { value: 'contract_size', label: 'Contract size' },
            { value: 'timescales', label: 'Timescales' },
            { value: 'other', label: 'Something else' },
          ],
        },
        {
          key: 'other_barrier',
          type: 'text',
          label: 'What else?',
          required: true,
          maxLength: 80,
          showIf: { key: 'barriers', equals: 'other' },
        },
        {
          key: 'length',
          type: 'single',
          label: 'Contract length',
          options: [
            { value: 'short', label: 'Up to 3 years' },
            { value: 'long', label: 'More than 3 years' },
          ],
        },
        { key: 'value', type: 'number', label: 'Largest contract (£)', min: 0 },
        { key: 'start', type: 'date', label: 'Earliest start' },
        { key: 'statement', type: 'file', label: 'Capability statement' },
      ],
    },
  ];
  if (!only) return { sections };
  const kept = sections.map((section) => ({ ...section, questions: section.questions.filter((q) => only.includes(q.key)) }));
  return { sections: kept.filter((section) => section.questions.length > 0) };
}
