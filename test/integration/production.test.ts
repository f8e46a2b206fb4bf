import supertest from 'supertest';
import { apiClient, startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ config: { NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40), TRUST_PROXY: '1' } });
});
afterAll(async () => t.close());

test('in production the session cookie is Secure and HSTS is sent', async () => {
  const res = await supertest(t.app).get('/api/v1/auth/session').set('X-Forwarded-Proto', 'https').expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
  expect(cookie).toMatch(/; Secure/);
  expect(cookie).toMatch(/HttpOnly/);
  expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
});

test('in production error pages show no internals', async () => {
  const { agent, csrfToken } = await apiClient(t.app);
  const res = await agent.post('/api/v1/auth/login').set('X-CSRF-Token', csrfToken).set('Content-Type', 'application/json').send('{bad');
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body)).not.toMatch(/SyntaxError|at JSON|node_modules/);
});
