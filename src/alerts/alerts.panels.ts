import type { Panel } from '../platform/panels';
import type { AlertsService } from './alerts.service';

/** A supplier's email alerts on the dashboard, with the way to set them up, change or stop them. */
export function alertsPanel(alerts: AlertsService): Panel {
  return {
    id: 'alerts',
    template: 'alerts/views/alerts-panel.njk',
    data: async (user) => (user.role === 'supplier' ? { current: await alerts.forUser(user) } : null),
  };
}
