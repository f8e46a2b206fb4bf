import { startTestApp, apiClient, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

test('home and session', async () => {
  const { agent, csrfToken } = await apiClient(t.app);
  expect(csrfToken).toBeTruthy();
  const home = await agent.get('/');
  expect(home.status).toBe(200);
  const login = await agent.get('/login');
  expect(login.status).toBe(200);
  expect(login.text).toContain('Sign in');
});
