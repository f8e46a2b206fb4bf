import { Router } from 'express';
import { ROLES, allowAnyone, requireRole, signedInUser, type PublicUser } from './roles';

/**
 * What the panels of one page read in common: the first panel to ask for a read starts it, and the others asking for
 * the same key get the same answer, so a page does each read once. It lives as long as one request.
 */
export class SharedReads {
  private readonly reads = new Map<string, Promise<unknown>>();

  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      this.reads.set(key, pending);
    }
    return pending;
  }
}

/** A part of the home page or of a dashboard that a feature supplies: its own template and its own data. */
export interface Panel<U = PublicUser> {
  id: string;
  /** The partial, named from src/ like every view; it reads what `data` gave as `panel.data`. */
  template: string;
  /** What the partial shows to this user, or null when the panel is not for them. */
  data(user: U, shared: SharedReads): Promise<object | null>;
}

/** The home page is open to everyone, so its panels may get no user. */
export type HomePanel = Panel<PublicUser | undefined>;

export interface PagePanels {
  home: HomePanel[];
  dashboard: Panel[];
}

async function panelsFor<U>(panels: Panel<U>[], user: U) {
  const shared = new SharedReads();
  const shown = await Promise.all(panels.map(async ({ id, template, data }) => ({ id, template, data: await data(user, shared) })));
  return shown.filter((panel) => panel.data !== null);
}

/** The home page and the dashboard: each shows, in order, the panels the features supply. */
export function panelPages(panels: PagePanels): Router {
  const router = Router();

  router.get('/', allowAnyone(), async (req, res) => {
    res.render('platform/views/home.njk', { panels: await panelsFor(panels.home, req.user) });
  });

  router.get('/dashboard', requireRole(...ROLES), async (req, res) => {
    const user = signedInUser(req);
    res.render('platform/views/dashboard.njk', { user, panels: await panelsFor(panels.dashboard, user) });
  });

  return router;
}
