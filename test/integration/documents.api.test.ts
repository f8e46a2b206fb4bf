import fs from 'node:fs/promises';
import path from 'node:path';
import supertest from 'supertest';
import { apiClient, signedInAs, startTestApp, testClock, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, draftExercise, registeredSupplier } from '../helpers/factories';
import { abortedUpload, orphanChunks, storedFiles } from '../helpers/files';
import { buildZip } from '../helpers/zip';
import { docxEntries, elfExecutable, samplePdf, samplePng, sampleDocx, windowsExecutable } from '../helpers/sample-files';

describe.each(['disk', 'gridfs'] as const)('exercise documents stored on %s', (store) => {
  const clock = testClock();
  let t: TestApp;
  let camden: Client;
  let hackney: Client;
  let supplier: Client;

  beforeAll(async () => {
    t = await startTestApp({ config: { UPLOAD_STORE: store }, tenders: { now: clock.now } });
    camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
    hackney = await signedInAs(t.app, (await createOfficer(t.auth, 'hackney')).email);
    supplier = await registeredSupplier(t.app);
  });
  afterAll(async () => t.close());
  beforeEach(() => clock.set('2027-01-10T09:00:00.000Z'));

  const upload = (client: Client, id: string, file: Buffer, filename: string, title: string | null = 'Service specification') => {
    const req = send(client, 'post', `/api/v1/tenders/${id}/documents`);
    if (title !== null) void req.field('title', title);
    return req.attach('file', file, filename);
  };

  const download = (client: Client | null, id: string, docId: string) =>
    (client ? client.agent : supertest(t.app))
      .get(`/api/v1/tenders/${id}/documents/${docId}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });

  test('an upload is stored under a server-made name and downloads as an attachment, byte for byte', async () => {
    const id = await draftExercise(camden);
    const before = await storedFiles(t);
    const pdf = samplePdf('Lot 1 specification');
    const res = await upload(camden, id, pdf, 'Specification v1.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      title: 'Service specification',
      filename: 'Specification v1.pdf',
      size: pdf.length,
      contentType: 'application/pdf',
      version: 1,
      uploadedAt: '2027-01-10T09:00:00.000Z',
    });
    const after = await storedFiles(t);
    expect(after.length).toBe(before.length + 1);
    if (store === 'disk') expect(after.filter((f) => !before.includes(f))).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/)]);

    const file = await download(camden, id, res.body.id);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="Specification v1.pdf"/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(file.body as Buffer, pdf)).toBe(0);

    const tender = await camden.agent.get(`/api/v1/tenders/${id}`);
    expect(tender.body.documents).toEqual([expect.objectContaining({ id: res.body.id, title: 'Service specification', version: 1 })]);
  });

  test('the same title again is a new version; earlier versions stay downloadable', async () => {
    const id = await draftExercise(camden);
    const first = await upload(camden, id, samplePdf('first'), 'spec.pdf', 'Specification');
    const second = await upload(camden, id, sampleDocx('second'), 'spec.docx', '  specification ');
    const other = await upload(camden, id, samplePng(), 'map.png', 'Map of branches');
    expect([first.status, second.status, other.status]).toEqual([201, 201, 201]);
    expect([first.body.version, second.body.version, other.body.version]).toEqual([1, 2, 1]);
    expect((await download(camden, id, first.body.id)).body).toEqual(samplePdf('first'));
    expect((await download(camden, id, second.body.id)).headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
  });

  test('after publishing, drafts’ documents open to everyone and new documents appear in the change history', async () => {
    const id = await draftExercise(camden);
    const early = await upload(camden, id, samplePdf(), 'a.pdf');
    expect((await download(null, id, early.body.id)).status).toBe(404);
    expect((await download(hackney, id, early.body.id)).status).toBe(404);
    expect((await send(camden, 'post', `/api/v1/tenders/${id}/publish`)).status).toBe(200);
    expect((await download(null, id, early.body.id)).status).toBe(200);
    expect((await download(supplier, id, early.body.id)).status).toBe(200);
    await upload(camden, id, samplePdf('v2'), 'a.pdf');
    const tender = await supertest(t.app).get(`/api/v1/tenders/${id}`);
    expect(tender.body.history).toEqual([
      expect.objectContaining({ field: 'documents', old: '', new: 'Service specification (version 2)' }),
    ]);
  });

  test('only the exercise’s own officers can upload: another borough gets 404, suppliers 403, anonymous 401', async () => {
    const id = await draftExercise(camden);
    const before = await storedFiles(t);
    expect((await upload(hackney, id, samplePdf(), 'x.pdf')).status).toBe(404);
    expect((await upload(supplier, id, samplePdf(), 'x.pdf')).status).toBe(403);
    const anon = await apiClient(t.app);
    expect((await upload(anon, id, samplePdf(), 'x.pdf')).status).toBe(401);
    expect((await upload(camden, '000000000000000000000000', samplePdf(), 'x.pdf')).status).toBe(404);
    const noToken = await camden.agent.post(`/api/v1/tenders/${id}/documents`).field('title', 'T').attach('file', samplePdf(), 'x.pdf');
    expect(noToken.status).toBe(403);
    expect(await storedFiles(t)).toEqual(before);
    expect((await download(camden, id, '000000000000000000000000')).status).toBe(404);
    expect((await download(camden, id, '../../etc/passwd')).status).toBe(404);
  });

  test('bad uploads are refused with a message per field and leave nothing behind', async () => {
    const id = await draftExercise(camden);
    const before = await storedFiles(t);

    const noTitle = await upload(camden, id, samplePdf(), 'a.pdf', null);
    expect(noTitle.status).toBe(422);
    expect(noTitle.body.error.fields).toEqual({ title: 'Enter a title for the document' });

    const noFile = await send(camden, 'post', `/api/v1/tenders/${id}/documents`).field('title', 'T');
    expect(noFile.status).toBe(422);
    expect(noFile.body.error.fields).toEqual({ file: 'Select a file to upload' });

    const empty = await upload(camden, id, Buffer.alloc(0), 'empty.pdf');
    expect(empty.status).toBe(422);
    expect(empty.body.error.fields).toEqual({ file: 'The selected file is empty' });

    const tooBig = await upload(camden, id, Buffer.concat([samplePdf(), Buffer.alloc(20 * 1024 * 1024)]), 'huge.pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toBe('The selected file must be smaller than 20 MB');

    const elf = await upload(camden, id, elfExecutable(), 'specification.pdf');
    expect(elf.status).toBe(415);
    expect(elf.body.error.message).toMatch(/^The selected file must be a PDF, DOCX/);
    expect((await upload(camden, id, windowsExecutable(), 'spec.pdf')).status).toBe(415);
    expect((await upload(camden, id, Buffer.from('<script>alert(1)</script>'), 'page.pdf')).status).toBe(415);

    // A "docx" whose one entry unpacks to 200 MB of zeros.
    const bomb = buildZip([...docxEntries(), { name: 'word/media/filler.bin', data: Buffer.alloc(200 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const bombRes = await upload(camden, id, bomb, 'report.docx');
    expect(bombRes.status).toBe(413);
    expect(bombRes.body.error.message).toMatch(/too large when unpacked/);

    // An entry that claims to be small but unpacks to far more.
    const liar = buildZip([...docxEntries(), { name: 'word/x.xml', data: Buffer.alloc(5 * 1024 * 1024), declaredUncompressedSize: 10 }]);
    expect([413, 415]).toContain((await upload(camden, id, liar, 'liar.docx')).status);

    const many = buildZip([...docxEntries(), ...Array.from({ length: 2_100 }, (_, i) => ({ name: `word/p${i}.xml`, data: 'x' }))]);
    const manyRes = await upload(camden, id, many, 'many.docx');
    expect(manyRes.status).toBe(413);
    expect(manyRes.body.error.message).toMatch(/too many parts/);

    expect(await storedFiles(t)).toEqual(before);
    expect((await camden.agent.get(`/api/v1/tenders/${id}`)).body.documents).toEqual([]);
  });

  test('a ../ file name is only a name: the file is stored inside the store under a server-made key', async () => {
    const id = await draftExercise(camden);
    const res = await upload(camden, id, samplePdf(), '../../../../tmp/evil/..\\..\\passwd.pdf');
    expect(res.status).toBe(201);
    expect(res.body.filename).toBe('passwd.pdf');
    const exe = await upload(camden, id, samplePdf(), 'invoice.pdf.exe');
    expect(exe.body.filename).toBe('invoice.pdf.pdf');
    const rtl = await upload(camden, id, samplePdf(), 'report\u202Efdp.exe');
    expect(rtl.body.filename).toBe('reportfdp.pdf');
    await expect(fs.stat('/tmp/evil')).rejects.toThrow();
    if (store === 'disk') {
      const names = await fs.readdir(t.config.uploadDir);
      expect(names.every((n) => /^[0-9a-f]{32}$/.test(n))).toBe(true);
      expect(path.dirname(path.resolve(t.config.uploadDir, names[0]!))).toBe(t.config.uploadDir);
    }
    const file = await download(camden, id, res.body.id);
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="passwd.pdf"/);
  });

  test('an aborted upload leaves nothing behind and the portal carries on', async () => {
    const id = await draftExercise(camden);
    const before = await storedFiles(t);
    await abortedUpload(t.app, camden, `/api/v1/tenders/${id}/documents`, { title: 'Half a file' });
    expect(await storedFiles(t)).toEqual(before);
    expect(await orphanChunks(t)).toBe(0);
    expect((await camden.agent.get(`/api/v1/tenders/${id}`)).body.documents).toEqual([]);
    expect((await upload(camden, id, samplePdf(), 'whole.pdf')).status).toBe(201);
  });

  test('closed and cancelled exercises take no new documents (409)', async () => {
    const id = await draftExercise(camden);
    await send(camden, 'post', `/api/v1/tenders/${id}/cancel`).expect(200);
    const res = await upload(camden, id, samplePdf(), 'late.pdf');
    expect(res.status).toBe(409);
  });

  test('uploads racing on one title get different versions', async () => {
    const id = await draftExercise(camden);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => upload(camden, id, samplePdf(`copy ${i}`), `c${i}.pdf`, 'Pricing')),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.body.version as number).sort()).toEqual([1, 2, 3, 4]);
    expect((await camden.agent.get(`/api/v1/tenders/${id}`)).body.documents).toHaveLength(4);
  });
});
