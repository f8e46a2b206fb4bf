import supertest from 'supertest';
import { send } from '../helpers/client';
import { publishedExercise } from '../helpers/factories';
import { startTwoServers, type TwoServers } from '../helpers/servers';

// The public list in pages of 20, and kept whole for people not signed in on each of two servers on one database.
let s: TwoServers;
const ids: string[] = [];

beforeAll(async () => {
  s = await startTwoServers();
  const year = new Date().getUTCFullYear() + 1;
  for (let i = 0; i < 23; i += 1) {
    ids.push(
      await publishedExercise(s.camden, {
        tender: {
          title: `Paged library exercise ${String(i + 1).padStart(2, '0')}`,
          clarificationDeadline: `${year}-01-05T12:00:00.000Z`,
          // The first made closes last, so the closing order differs from the newest-first order.
          eoiDeadline: new Date(Date.UTC(year, 1, 28 - i, 12)).toISOString(),
          questionnaireDeadline: `${year}-03-20T12:00:00.000Z`,
        },
      }),
    );
  }
}, 120_000);
afterAll(async () => s.close());

const titles = (html: string) => [...html.matchAll(/>(Paged library exercise \d+)</g)].map((m) => m[1]);

test('the list shows 20 exercises a page, with links to the others that keep the search', async () => {
  const first = await supertest(s.one.app).get('/tenders?q=Paged').expect(200);
  expect(first.text).toContain('23 exercises found: page 1 of 2');
  expect(titles(first.text)).toHaveLength(20);
  expect(titles(first.text)[0]).toBe('Paged library exercise 23');
  expect(first.text).toContain('href="/tenders?q=Paged&amp;page=2"');
  const second = await supertest(s.one.app).get('/tenders?q=Paged&page=2').expect(200);
  expect(titles(second.text)).toEqual(['Paged library exercise 03', 'Paged library exercise 02', 'Paged library exercise 01']);
  expect(second.text).toContain('href="/tenders?q=Paged"');
  // A page past the end shows the last one; a page number that makes no sense shows the first, keeping the search.
  expect(titles((await supertest(s.one.app).get('/tenders?q=Paged&page=9').expect(200)).text)).toHaveLength(3);
  expect(titles((await supertest(s.one.app).get('/tenders?q=Paged&page=two').expect(200)).text)[0]).toBe('Paged library exercise 23');
  // The same rule as every other list: however large, a page number in digits past the end is the last page; 1e3, 0x2
  // or " 2" are not page numbers, so they show the first.
  for (const past of ['999999', '1234567']) {
    expect(titles((await supertest(s.one.app).get(`/tenders?q=Paged&page=${past}`).expect(200)).text)).toHaveLength(3);
  }
  for (const odd of ['1e3', '0x2', '%202', '-1', '0']) {
    expect(titles((await supertest(s.one.app).get(`/tenders?q=Paged&page=${odd}`).expect(200)).text)[0]).toBe('Paged library exercise 23');
  }
});

test('the filter form as a browser sends it (the fields left on "any" empty) filters by what was chosen', async () => {
  const camden = await supertest(s.one.app).get('/tenders?q=Paged&borough=camden&status=&sort=newest').expect(200);
  expect(camden.text).toContain('23 exercises found: page 1 of 2');
  expect(camden.text).not.toContain('govuk-error-message');
  const hackney = await supertest(s.one.app).get('/tenders?q=Paged&borough=hackney&status=&sort=newest').expect(200);
  expect(hackney.text).toContain('0 exercises found');
  expect(hackney.text).toMatch(/<option value="hackney" selected>/);
  const searched = await supertest(s.one.app).get('/tenders?q=nothing-matches-this&borough=&status=&sort=').expect(200);
  expect(searched.text).toContain('0 exercises found');
  expect(searched.text).toContain('value="nothing-matches-this"');
  // A value that makes no sense (a link edited by hand) is named on its field; the other choices still apply.
  const bad = await supertest(s.one.app).get('/tenders?q=Paged&borough=hackney&status=nonsense').expect(200);
  expect(bad.text).toContain('Status must be published, closed, cancelled or draft');
  expect(bad.text).toContain('0 exercises found');
  expect(bad.text).toContain('value="Paged"');
});

test('sorted by closing date, the order runs across pages', async () => {
  const first = await supertest(s.one.app).get('/tenders?q=Paged&sort=closing').expect(200);
  expect(titles(first.text)[0]).toBe('Paged library exercise 23');
  const second = await supertest(s.one.app).get('/tenders?q=Paged&sort=closing&page=2').expect(200);
  expect(titles(second.text)).toEqual(['Paged library exercise 03', 'Paged library exercise 02', 'Paged library exercise 01']);
});

test('a kept page is served again until an exercise changes on either server, each time with its own CSP nonce', async () => {
  const path = '/tenders?q=Paged&sort=closing';
  const miss = await supertest(s.one.app).get(path).expect(200);
  const hit = await supertest(s.one.app).get(path).expect(200);
  expect(hit.headers['x-page-cache']).toBe('hit');
  expect(hit.text.replace(/nonce="[^"]+"/g, '')).toBe(miss.text.replace(/nonce="[^"]+"/g, ''));
  const nonce = /'nonce-([^']+)'/.exec(hit.headers['content-security-policy'] as string)?.[1];
  expect(nonce).toBeTruthy();
  expect(hit.text).toContain(`nonce="${nonce}"`);

  // The officer renames an exercise through the other server: the first server's next answer shows it.
  const renamed = await send(s.camdenOnTwo, 'patch', `/api/v1/tenders/${ids[22]}`, { title: 'Paged library exercise 23, renamed' });
  expect(renamed.status).toBe(200);
  const after = await supertest(s.one.app).get(path).expect(200);
  expect(after.headers['x-page-cache']).toBe('miss');
  expect(after.text).toContain('Paged library exercise 23, renamed');

  // A new exercise published on the other server appears too.
  const year = new Date().getUTCFullYear() + 1;
  await publishedExercise(s.camdenOnTwo, {
    tender: {
      title: 'Paged library exercise 24',
      clarificationDeadline: `${year}-01-05T12:00:00.000Z`,
      eoiDeadline: `${year}-01-20T12:00:00.000Z`,
      questionnaireDeadline: `${year}-03-20T12:00:00.000Z`,
    },
  });
  expect(titles((await supertest(s.one.app).get(path).expect(200)).text)[0]).toBe('Paged library exercise 24');
});

test('signed-in people are never served a kept page', async () => {
  await supertest(s.one.app).get('/tenders?q=Paged').expect(200);
  const officer = await s.camden.agent.get('/tenders?q=Paged').expect(200);
  expect(officer.headers['x-page-cache']).toBeUndefined();
  expect(officer.text).toContain('Create an exercise');
});
