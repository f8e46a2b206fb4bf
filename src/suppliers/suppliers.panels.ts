import type { HomePanel, Panel } from '../platform/panels';
import { SECTOR_LABELS } from './sectors';
import type { SuppliersService } from './suppliers.service';

/** On the home page, for someone not signed in: register an organisation, or sign in. */
export function registerPanel(): HomePanel {
  return { id: 'register', template: 'suppliers/views/register/home-panel.njk', data: async (user) => (user ? null : {}) };
}

/** A supplier's organisation, with any doubt about its sector, on their dashboard. */
export function organisationPanel(suppliers: SuppliersService): Panel {
  return {
    id: 'organisation',
    template: 'suppliers/views/organisation-panel.njk',
    async data(user) {
      if (user.role !== 'supplier' || !user.organisationId) return null;
      return { organisation: await suppliers.getOrganisation(user.organisationId), sectorLabels: SECTOR_LABELS };
    },
  };
}
