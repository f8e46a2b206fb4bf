import type { Express } from 'express';
import request from 'supertest';
import type supertest from 'supertest';

/** A cookie-keeping client of the JSON API with its CSRF token (from apiClient, signedInAs or registeredSupplier). */
export interface Client {
  agent: supertest.Agent;
  csrfToken: string;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A request from the client with its CSRF token, which every state change needs; the body, if any, as JSON. */
export function send(client: Client, method: Method, path: string, body?: object): supertest.Test {
  const req = client.agent[method](path).set('X-CSRF-Token', client.csrfToken);
  return body === undefined ? req : req.send(body);
}

interface CookieJar {
  getCookies(access: { domain: string; path: string; secure: boolean; script: boolean }): { toValueString(): string }[];
}

/** The client's cookies as a Cookie header, for a request made some other way (say, with node:http). */
export function cookieHeader(client: Client): string {
  const jar = (client.agent as unknown as { jar: CookieJar }).jar;
  return jar
    .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
    .map((c) => c.toValueString())
    .join('; ');
}

/** The same signed-in session on another app server (the second of two on one database): an app, or a server's URL. */
export function onServer(client: Client, app: Express | string): Client {
  const agent = request.agent(app);
  agent.set('Cookie', cookieHeader(client));
  return { agent, csrfToken: client.csrfToken };
}
