import supertest from 'supertest';
import { nextDeadlinePassing } from '../../src/tenders/tender-list';
import { signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { createOfficer, publishedExercise } from '../helpers/factories';

// The kept public list is rebuilt when a listed exercise's deadline passes within the minute, not only when the
// minute turns: its closing tags and its closing order change then, with nothing stored having changed.

const clock = testClock();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ tenders: { now: clock.now } });
  const camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
  // The interest deadline falls half-way through a minute.
  await publishedExercise(camden, { tender: { title: 'Deadline in the minute', eoiDeadline: '2027-02-15T12:00:30.000Z' } });
});
afterAll(async () => t.close());

const tagOf = (html: string) => /Closes today|Closed for interest/.exec(html)?.[0];

test('a kept list showing “Closes today” is not served once the deadline has passed in the same minute', async () => {
  clock.set('2027-02-15T12:00:05.000Z');
  const first = await supertest(t.app).get('/tenders?q=minute').expect(200);
  expect([first.headers['x-page-cache'], tagOf(first.text)]).toEqual(['miss', 'Closes today']);
  clock.set('2027-02-15T12:00:30.000Z'); // the instant itself: still open
  const atInstant = await supertest(t.app).get('/tenders?q=minute').expect(200);
  expect([atInstant.headers['x-page-cache'], tagOf(atInstant.text)]).toEqual(['hit', 'Closes today']);
  clock.set('2027-02-15T12:00:30.001Z');
  const after = await supertest(t.app).get('/tenders?q=minute').expect(200);
  expect([after.headers['x-page-cache'], tagOf(after.text)]).toEqual(['miss', 'Closed for interest']);
  const again = await supertest(t.app).get('/tenders?q=minute').expect(200);
  expect([again.headers['x-page-cache'], tagOf(again.text)]).toEqual(['hit', 'Closed for interest']);
});

test('the next change is 1 ms after the first deadline still to come of a published exercise', () => {
  const now = new Date('2027-02-15T12:00:00.000Z');
  const at = (iso: string) => new Date(iso);
  const keys = [
    { status: 'published' as const, eoiDeadline: at('2027-02-15T11:00:00Z'), questionnaireDeadline: at('2027-03-01T12:00:00Z') },
    { status: 'published' as const, eoiDeadline: at('2027-02-15T12:00:00Z'), questionnaireDeadline: at('2027-03-01T12:00:00Z') },
    { status: 'closed' as const, eoiDeadline: at('2027-02-15T12:00:01Z'), questionnaireDeadline: at('2027-02-15T12:00:01Z') },
  ];
  expect(nextDeadlinePassing(keys, now)).toEqual(at('2027-02-15T12:00:00.001Z'));
  expect(nextDeadlinePassing(keys.slice(0, 1), now)).toEqual(at('2027-03-01T12:00:00.001Z'));
  expect(nextDeadlinePassing(keys.slice(2), now)).toBeNull();
});
