import { apiClient, signedInAs, startTestApp, type TestApp } from '../helpers/app';
import { send, type Client } from '../helpers/client';
import { createOfficer, publishedExercise, registeredSupplier, uniqueEmail } from '../helpers/factories';

let t: TestApp;
let camden: Client;
beforeAll(async () => {
  t = await startTestApp();
  camden = await signedInAs(t.app, (await createOfficer(t.auth, 'camden')).email);
});
afterAll(async () => t.close());

test('without an account, POST /api/v1/alerts answers 202 for any address and only emails a link to confirm', async () => {
  const anonymous = await apiClient(t.app);
  const email = uniqueEmail('api-reader');
  const first = await send(anonymous, 'post', '/api/v1/alerts', { email, boroughs: ['camden'] });
  const again = await send(anonymous, 'post', '/api/v1/alerts', { email, boroughs: ['camden'] });
  expect([first.status, first.body]).toEqual([202, { status: 'confirmation_sent' }]);
  expect([again.status, again.body]).toEqual([202, { status: 'confirmation_sent' }]);
  expect(await t.notifier.outbox.countDocuments({ to: email, subject: /^Confirm your email alerts/ })).toBe(2);
  await publishedExercise(camden);
  await t.alerts.sender.settled();
  expect(await t.notifier.outbox.countDocuments({ to: email, subject: /^New exercise/ })).toBe(0);
  expect((await anonymous.agent.get('/api/v1/alerts')).status).toBe(401);
});

test('bad input is 422 with a message per field, never a 500', async () => {
  const anonymous = await apiClient(t.app);
  const res = await send(anonymous, 'post', '/api/v1/alerts', { email: { $ne: null }, boroughs: ['camden', 'atlantis'] });
  expect(res.status).toBe(422);
  expect(res.body.error.fields).toEqual({
    email: expect.stringMatching(/email/i),
    boroughs: 'Choose boroughs from the list',
  });
  const wrongType = await send(anonymous, 'post', '/api/v1/alerts', { email: 'a@example.org', boroughs: 7 });
  expect(wrongType.status).toBe(422);
  expect(wrongType.body.error.fields.boroughs).toBe('Choose boroughs from the list');
});

test('a signed-in user sets, reads and stops alerts to their own address', async () => {
  const supplier = await registeredSupplier(t.app);
  expect((await supplier.agent.get('/api/v1/alerts')).body).toEqual({ alerts: null });
  const set = await send(supplier, 'post', '/api/v1/alerts', { boroughs: ['hackney', 'camden'], email: 'someone.else@example.org' });
  expect(set.status).toBe(200);
  expect(set.body).toEqual({ alerts: { email: supplier.email, boroughs: ['camden', 'hackney'] } });
  expect(await t.alerts.subscriptions.countDocuments({ email: 'someone.else@example.org' })).toBe(0);
  await publishedExercise(camden);
  await t.alerts.sender.settled();
  expect(await t.notifier.outbox.countDocuments({ to: supplier.email, subject: /^New exercise/ })).toBe(1);
  expect((await send(supplier, 'delete', '/api/v1/alerts')).status).toBe(204);
  expect((await supplier.agent.get('/api/v1/alerts')).body).toEqual({ alerts: null });
});
