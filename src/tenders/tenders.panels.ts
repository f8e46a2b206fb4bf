import type { Panel } from '../platform/panels';
import { STATUS_LABELS } from './statuses';
import type { TendersService } from './tenders.service';

/** An officer's part of the dashboard: their borough's newest exercises, drafts included. */
export function officerExercisesPanel(tenders: TendersService): Panel {
  return {
    id: 'council-exercises',
    template: 'tenders/views/officer-panel.njk',
    async data(user) {
      if (user.role !== 'officer' || !user.borough) return null;
      // The newest page of the borough's own exercises, drafts included; the list at /tenders has the rest.
      const newest = await tenders.listPage({ borough: user.borough.slug }, user, 1);
      return {
        exercises: newest.items,
        total: newest.total,
        allHref: `/tenders?borough=${encodeURIComponent(user.borough.slug)}`,
        statusLabels: STATUS_LABELS,
      };
    },
  };
}
