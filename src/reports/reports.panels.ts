import type { Panel } from '../platform/panels';
import type { InterestsService } from '../suppliers';
import type { ReportsService } from './analysis.service';

/** A link to the anonymised London findings, for the roles that may read them. */
export function findingsPanel(): Panel {
  return {
    id: 'findings-link',
    template: 'reports/views/findings-panel.njk',
    async data(user) {
      return ['programme', 'officer', 'admin'].includes(user.role) ? {} : null;
    },
  };
}

/** What councils changed after hearing from organisations, on the exercises this organisation is interested in. */
export function youSaidWeDidPanel(interests: InterestsService, reports: ReportsService): Panel {
  return {
    id: 'you-said-we-did',
    template: 'reports/views/you-said-we-did-panel.njk',
    async data(user, shared) {
      if (user.role !== 'supplier' || !user.organisationId) return null;
      const mine = await interests.forOrganisationOnce(user, shared);
      const published = await reports.youSaidWeDidForMany(mine.map((m) => m.tender.id));
      const items = mine.flatMap((m) => {
        const summary = published.get(m.tender.id);
        return summary ? [{ tender: m.tender, ...summary }] : [];
      });
      return items.length ? { items } : null;
    },
  };
}
