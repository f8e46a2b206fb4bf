import type supertest from 'supertest';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send } from '../helpers/client';
import { createAdmin, createOfficer, publishedExercise } from '../helpers/factories';
import { signInThroughForm } from '../helpers/forms';

const clock = testClock();
const auditClock = testClock('2027-01-10T09:00:00.000Z');
let t: TestApp;
let admin: supertest.Agent;
let officer: supertest.Agent;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now }, audit: { now: auditClock.now } });
  admin = await signInThroughForm(t.app, (await createAdmin(t.auth)).email);
  officer = await signInThroughForm(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());

const record = async (iso: string, action: string, detail: string) => {
  auditClock.set(iso);
  await t.audit.record({ action, outcome: 'allowed', actor: undefined, target: 'test', detail });
};
const rows = (html: string) => (html.match(/<tr class="govuk-table__row">/g) ?? []).length - 1;

test('the admin’s dashboard links to the audit log; an officer’s does not', async () => {
  expect((await admin.get('/dashboard')).text).toContain('href="/admin/audit"');
  expect((await officer.get('/dashboard')).text).not.toContain('href="/admin/audit"');
  expect((await officer.get('/admin/audit')).status).toBe(403);
});

test('the filters come from the date inputs, and the CSV link and the pages carry them', async () => {
  await record('2027-01-15T10:00:00.000Z', 'test.page', 'in range');
  await record('2027-01-16T10:00:00.000Z', 'test.page', 'out of range');
  const page = await admin.get('/admin/audit').query({
    event: 'test.page',
    'from-day': '15',
    'from-month': '1',
    'from-year': '2027',
    'to-day': '15',
    'to-month': '01',
    'to-year': '2027',
  });
  expect(page.status).toBe(200);
  expect(page.text).toContain('in range');
  expect(page.text).not.toContain('out of range');
  expect(page.text).toContain('15 January 2027, 10am (UK time)');
  expect(page.text).toContain('href="/admin/audit.csv?event=test.page&amp;from=2027-01-15&amp;to=2027-01-15"');
  // The date inputs show the filter again.
  expect(page.text).toMatch(/name="from-day" type="text" value="15"/);
  const csv = await admin.get('/admin/audit.csv?event=test.page&from=2027-01-15&to=2027-01-15');
  expect(csv.text).toContain('in range');
  expect(csv.text).not.toContain('out of range');
});

test('a page of 50, with pagination that keeps the filters', async () => {
  for (let n = 1; n <= 55; n++) await record(`2027-02-01T10:00:${String(n).padStart(2, '0')}.000Z`, 'test.many', `event ${n}`);
  const first = await admin.get('/admin/audit?event=test.many');
  expect(rows(first.text)).toBe(50);
  expect(first.text).toContain('href="/admin/audit?event=test.many&amp;page=2"');
  const second = await admin.get('/admin/audit?event=test.many&page=2');
  expect(rows(second.text)).toBe(5);
  expect(second.text).toContain('event 5<');
  expect(second.text).toContain('href="/admin/audit?event=test.many"');
});

test('an exercise is found by its reference', async () => {
  const camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  const id = await publishedExercise(camden);
  const reference = (await send(camden, 'get', `/api/v1/tenders/${id}`)).body.reference as string;
  const page = await admin.get('/admin/audit').query({ tender: reference.toLowerCase() });
  expect(page.status).toBe(200);
  expect(page.text).toContain('tender.publish');
  expect(page.text).toContain(`href="/tenders/${id}"`);
});

test('bad filters re-show the form with a GOV.UK error summary (422)', async () => {
  const page = await admin.get('/admin/audit').query({ 'from-day': '31', 'from-month': '2', 'from-year': '2027', actor: 'x'.repeat(300) });
  expect(page.status).toBe(422);
  expect(page.text).toContain('govuk-error-summary');
  expect(page.text).toContain('href="#from-day"');
  expect(page.text).toContain('href="#actor"');
  expect(page.text).toMatch(/name="from-day" type="text" value="31"/);
  expect(page.text).not.toContain('Download as CSV');
});
