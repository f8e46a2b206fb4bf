import type { Panel } from '../platform/panels';

/** The top of every dashboard: who is signed in, and as what. */
export function accountPanel(): Panel {
  return { id: 'account', template: 'auth/views/account-panel.njk', data: async (user) => user };
}
