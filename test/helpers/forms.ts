import type { Express } from 'express';
import supertest from 'supertest';
import { STRONG_PASSWORD } from './app';

const supertestAgent = (app: Express) => supertest.agent(app);

/** The CSRF token of the page's form. */
export function csrfFrom(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** GETs a page the way a browser would, then posts its form back with the given fields. */
export async function fillIn(agent: supertest.Agent, path: string, fields: Record<string, string | string[]>, action = path) {
  const page = await agent.get(path);
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status} ${String(page.headers.location ?? '')}`);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

/** Answers to each registration page about the organisation, in order. */
export function organisationSteps(overrides: Record<string, Record<string, string | string[]>> = {}) {
  return [
    ['organisation-name', { organisationName: 'Peckham Community Readers' }],
    ['sector', { sector: 'voluntary' }],
    ['legal-form', { legalForm: 'community_group' }],
    ['size', { size: 'micro' }],
    ['registration-numbers', {}],
    ['location', { postcode: 'se15 5bs', areas: ['southwark', 'lewisham'] }],
  ].map(([slug, fields]) => [slug, { ...(fields as object), ...overrides[slug as string] }]) as [
    string,
    Record<string, string | string[]>,
  ][];
}

/** Walks the registration pages up to check-your-answers, checking each page moves on. */
export async function answerOrganisationSteps(agent: supertest.Agent, overrides: Parameters<typeof organisationSteps>[0] = {}) {
  for (const [slug, fields] of organisationSteps(overrides)) {
    const res = await fillIn(agent, `/register/${slug}`, fields);
    if (res.status !== 303) throw new Error(`/register/${slug} answered ${res.status}: ${res.text.slice(0, 500)}`);
  }
  return agent.get('/register/check-answers');
}

/** A browser-like client signed in through the sign-in form (created with STRONG_PASSWORD). */
export async function signInThroughForm(app: Express, email: string): Promise<supertest.Agent> {
  const agent = supertestAgent(app);
  const login = await agent.get('/login').expect(200);
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(login.text), email, password: STRONG_PASSWORD })
    .expect(303);
  return agent;
}

/**
 * A questionnaire section's save, made ready to send: the page is read first (for its CSRF token), and the returned
 * function posts the fields, so that saves from two tabs can be sent at the same moment.
 */
export async function readySectionSave(tab: supertest.Agent, exerciseId: string, n: number, fields: Record<string, string>) {
  const page = await tab.get(`/tenders/${exerciseId}/response/sections/${n}`).expect(200);
  return () =>
    tab
      .post(`/tenders/${exerciseId}/response/sections/${n}`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'continue', ...fields });
}
