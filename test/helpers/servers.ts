import { signedInAs, startSecondServer, startTestApp, type TestApp } from './app';
import { onServer, type Client } from './client';
import { createOfficer } from './factories';

/** Two app servers on one database (see startSecondServer), and a Camden officer signed in on both. */
export interface TwoServers {
  one: TestApp;
  two: TestApp;
  camden: Client;
  camdenOnTwo: Client;
  close(): Promise<void>;
}

export async function startTwoServers(): Promise<TwoServers> {
  const one = await startTestApp({ config: { SESSION_SECRET: 'two servers share one session secret, as in production' } });
  const two = await startSecondServer(one);
  const camden = await signedInAs(one.app, (await createOfficer(one.auth, 'camden')).email);
  return {
    one,
    two,
    camden,
    camdenOnTwo: onServer(camden, two.app),
    async close() {
      await two.close();
      await one.close();
    },
  };
}
