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
      const progress = await questionnaires.progressForMany(
        mine.map((m) => m.tender.id),
        organisationId,
      );
      const myInterests = mine.map((m) => ({ ...m, questionnaire: progress.get(m.tender.id)! }));
      return { myInterests };
    },
  };
}
