import type { Panel } from '../platform/panels';
import { STATUS_LABELS } from './statuses';
import type { TendersService } from './tenders.service';

/** An officer's part of the dashboard: their borough's exercises, drafts included. */
export function officerExercisesPanel(tenders: TendersService): Panel {
  return {
    id: 'council-exercises',
    template: 'tenders/views/officer-panel.njk',
    async data(user) {
      if (user.role !== 'officer') return null;
      const items = await tenders.list({}, user);
      return { exercises: items.filter((t) => t.borough.id === user.borough?.id), statusLabels: STATUS_LABELS };
    },
  };
}
