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
