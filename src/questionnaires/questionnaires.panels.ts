import type { Panel } from '../platform/panels';
import type { InterestsService } from '../suppliers';
import type { QuestionnairesService } from './questionnaires.service';

/** A supplier's exercises, each with how far its questionnaire has got. */
export function supplierInterestsPanel(interests: InterestsService, questionnaires: QuestionnairesService): Panel {
  return {
    id: 'interests',
    template: 'questionnaires/views/interests-panel.njk',
    async data(user) {
      const organisationId = user.organisationId;
      if (user.role !== 'supplier' || !organisationId) return null;
      const mine = await interests.forOrganisation(user);
      const myInterests = await Promise.all(
        mine.map(async (m) => ({ ...m, questionnaire: await questionnaires.progressFor(m.tender.id, organisationId) })),
      );
      return { myInterests };
    },
  };
}
