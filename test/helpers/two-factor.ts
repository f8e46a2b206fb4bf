import type { Express } from 'express';
import { generateSync } from 'otplib';
import { apiClient, STRONG_PASSWORD } from './app';
import { send, type Client } from './client';

/** The authenticator code of a key at a moment (an offset in seconds from a date), as an app with that clock shows it. */
export function codeAt(secret: string, at: Date, offsetSeconds = 0): string {
  return generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) + offsetSeconds });
}

/** Sets up and turns on two-factor sign-in for a signed-in client, at the given moment: its key and recovery codes. */
export async function turnOnTwoFactor(client: Client, at: Date): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setUp = await send(client, 'post', '/api/v1/auth/2fa/setup');
  if (setUp.status !== 200) throw new Error(`set-up answered ${setUp.status} ${JSON.stringify(setUp.body)}`);
  const secret = (setUp.body as { secret: string }).secret;
  const enabled = await send(client, 'post', '/api/v1/auth/2fa/enable', { code: codeAt(secret, at) });
  if (enabled.status !== 200) throw new Error(`enable answered ${enabled.status} ${JSON.stringify(enabled.body)}`);
  return { secret, recoveryCodes: (enabled.body as { recoveryCodes: string[] }).recoveryCodes };
}

/** A client past the password, with the answer to it (twoFactorRequired, and its CSRF token for the next step). */
export async function pastPassword(app: Express, email: string): Promise<Client & { body: Record<string, unknown> }> {
  const { agent, csrfToken } = await apiClient(app);
  const res = await agent.post('/api/v1/auth/login').set('X-CSRF-Token', csrfToken).send({ email, password: STRONG_PASSWORD });
  if (res.status !== 200) throw new Error(`password step answered ${res.status} ${JSON.stringify(res.body)}`);
  const body = res.body as Record<string, unknown>;
  return { agent, csrfToken: body.csrfToken as string, body };
}
