/**
 * `npm run bench -- deadline`: deadline day. 500 organisations, each registered, interested and signed in
 * beforehand, save their answers and send them within seconds of each other, 100 at a time, over HTTP to a
 * server started as in production. Then what is stored is counted: every organisation that was told its answers
 * arrived must have exactly one submitted response. The last line is one JSON object.
 */
import { Types } from 'mongoose';
import type { QuestionnaireDefinition } from '../src/questionnaires/types';
import { createServices } from '../src/services';
import { registerSchema } from '../src/suppliers';
import { createTenderSchema } from '../src/tenders/tenders.schemas';
import { benchDatabase } from './database';
import { startServer } from './http';

const ORGANISATIONS = 500;
const AT_ONCE = 100;
const PASSWORD = 'Deadline-Day-Larch-42';
const HTTPS = { 'x-forwarded-proto': 'https' };
const SECTORS = [
  ['voluntary', 'registered_charity'],
  ['social_enterprise', 'cic'],
  ['private', 'company'],
  ['public', 'council'],
] as const;

interface Session {
  cookie: string;
  csrfToken: string;
  organisationId: string;
}

/** Runs `work` for every item, `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function signIn(base: string, email: string): Promise<{ cookie: string; csrfToken: string }> {
  const first = await fetch(`${base}/api/v1/auth/session`, { headers: HTTPS });
  const { csrfToken } = (await first.json()) as { csrfToken: string };
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { ...HTTPS, 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie: cookieOf(first) },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`signing in ${email} answered ${res.status}`);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: cookieOf(res), csrfToken: body.csrfToken };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
};

export async function runDeadlineBench(): Promise<void> {
  const { conn, close, uri } = await benchDatabase('bench_deadline');
  const services = await createServices(conn);
  const year = new Date().getFullYear() + 1;
  const officer = await services.auth.createUser({
    role: 'officer',
    email: 'officer@deadline.bench.example.org',
    password: PASSWORD,
    name: 'Deadline officer',
    borough: 'camden',
  });
  const tender = await services.tenders.create(
    createTenderSchema.parse({
      title: 'Community library services',
      summary: 'Deadline day for a popular exercise.',
      specification: 'Branch libraries and a home library service.',
      lots: [{ title: 'Branch libraries', description: 'Branches', estimatedAnnualValue: 450_000 }],
      tupe: 'unknown',
      clarificationDeadline: `${year}-02-01T12:00:00Z`,
      eoiDeadline: `${year}-02-15T12:00:00Z`,
      questionnaireDeadline: `${year}-03-01T12:00:00Z`,
    }),
    officer,
  );
  const base = { hint: '', core: false, min: null, max: null, maxLength: null, showIf: null };
  const definition: QuestionnaireDefinition = {
    sections: [
      {
        title: 'About you',
        description: '',
        questions: [
          { ...base, key: 'experience', type: 'textarea', label: 'Your experience', required: true, options: [] },
          { ...base, key: 'likelihood', type: 'scale', label: 'How likely are you to bid?', required: true, options: [], min: 1, max: 5 },
          {
            ...base,
            key: 'barriers',
            type: 'multi',
            label: 'What might stop you bidding?',
            required: true,
            options: [
              { value: 'contract_size', label: 'Contract size' },
              { value: 'timescales', label: 'Timescales' },
            ],
          },
        ],
      },
    ],
  };
  await services.questionnaires.setQuestionnaire(tender.id, definition, null, officer);
  await services.tenders.publish(tender.id, officer);

  console.log(`Registering ${ORGANISATIONS} organisations and their interests...`);
  const schema = registerSchema(services.boroughs.list().map((b) => b.slug));
  const emails: { email: string; organisationId: string }[] = [];
  await inParallel(
    Array.from({ length: ORGANISATIONS }, (_, i) => i),
    4,
    async (i) => {
      const [sector, legalForm] = SECTORS[i % SECTORS.length]!;
      const email = `org${i}@deadline.bench.example.org`;
      const user = await services.registration.register(
        schema.parse({
          email,
          password: PASSWORD,
          name: `Person ${i}`,
          organisation: {
            name: `Organisation ${i}`,
            sector,
            legalForm,
            size: 'small',
            identifiers: [],
            postcode: 'NW1 1AA',
            areas: ['camden'],
          },
        }),
      );
      await services.interests.express(
        tender.id,
        {
          lotIds: ['lot-1'],
          contactName: `Person ${i}`,
          contactEmail: email,
          consortium: false,
          willingToPartner: true,
          heardVia: 'council_website',
          heardViaOther: '',
        },
        user,
      );
      emails.push({ email, organisationId: user.organisationId! });
    },
  );

  // As in production behind a TLS proxy: the session cookie is Secure, so requests say they came over HTTPS.
  const server = await startServer(uri, conn.db!.databaseName, { TRUST_PROXY: '1' });
  try {
    console.log(`Signing in ${ORGANISATIONS} organisations...`);
    const sessions: Session[] = [];
    await inParallel(emails, 8, async ({ email, organisationId }) => {
      sessions.push({ ...(await signIn(server.url, email)), organisationId });
    });

    console.log(`Deadline: ${ORGANISATIONS} save and send, ${AT_ONCE} at a time...`);
    const answers = { experience: 'We have run community libraries for ten years.', likelihood: 4, barriers: ['contract_size'] };
    const timings: number[] = [];
    const accepted = new Set<string>();
    let errors = 0;
    const started = Date.now();
    let retries = 0;
    /** A request as a careful client sends it: on 503 it waits as Retry-After says and sends the same again (same Idempotency-Key). */
    const withRetries = async (url: string, init: RequestInit): Promise<{ status: number; body: string; ms: number }> => {
      const t0 = performance.now();
      for (let attempt = 1; ; attempt += 1) {
        const res = await fetch(url, init);
        const body = await res.text();
        if (res.status !== 503 || attempt === 5) return { status: res.status, body, ms: performance.now() - t0 };
        retries += 1;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000 * Math.random()));
      }
    };
    await inParallel(sessions, AT_ONCE, async (s) => {
      const headers = { ...HTTPS, 'content-type': 'application/json', 'x-csrf-token': s.csrfToken, cookie: s.cookie };
      const saved = await withRetries(`${server.url}/api/v1/tenders/${tender.id}/response`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ answers }),
      });
      timings.push(saved.ms);
      if (saved.status !== 200) {
        errors += 1;
        if (errors <= 3) console.log(`save answered ${saved.status}: ${saved.body.slice(0, 200)}`);
        return;
      }
      const sent = await withRetries(`${server.url}/api/v1/tenders/${tender.id}/response/submit`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `deadline-${s.organisationId}` },
      });
      timings.push(sent.ms);
      if (sent.status !== 201) {
        errors += 1;
        if (errors <= 3) console.log(`send answered ${sent.status}: ${sent.body.slice(0, 200)}`);
        return;
      }
      accepted.add(s.organisationId);
    });
    const rushMs = Date.now() - started;

    const stored = await conn
      .collection('questionnaireresponses')
      .find({ tender: new Types.ObjectId(tender.id), status: 'submitted' }, { projection: { organisation: 1, revisions: 1 } })
      .toArray();
    const perOrganisation = new Map<string, number>();
    for (const r of stored) perOrganisation.set(String(r.organisation), (perOrganisation.get(String(r.organisation)) ?? 0) + 1);
    const duplicates =
      [...perOrganisation.values()].filter((n) => n > 1).length +
      stored.filter((r) => Array.isArray(r.revisions) && (r.revisions as unknown[]).length > 1).length;
    const lost = [...accepted].filter((id) => !perOrganisation.has(id)).length;
    console.log(`${accepted.size} told their answers arrived; ${stored.length} stored as sent; ${lost} lost; ${duplicates} duplicated.`);
    console.log(`Retries after a 503: ${retries}.`);
    console.log(
      `Requests: ${timings.length}, p50 ${percentile(timings, 50).toFixed(0)} ms, p95 ${percentile(timings, 95).toFixed(0)} ms, whole rush ${rushMs} ms.`,
    );
    console.log(
      JSON.stringify({
        bench: 'deadline',
        submitted: accepted.size,
        stored: stored.length,
        duplicates,
        lost,
        errors,
        retries,
        p95Ms: Math.round(percentile(timings, 95)),
        p50Ms: Math.round(percentile(timings, 50)),
        rushMs,
      }),
    );
  } finally {
    await server.stop();
    await conn.dropDatabase();
    await close();
  }
}
