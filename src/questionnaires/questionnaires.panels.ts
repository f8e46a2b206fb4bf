import type { Panel } from '../platform/panels';
import { MOST_ON_DASHBOARD, type InterestsService } from '../suppliers';
import type { QuestionnairesService } from './questionnaires.service';

/** A supplier's exercises, each with how far its questionnaire has got. */
export function supplierInterestsPanel(interests: InterestsService, questionnaires: QuestionnairesService): Panel {
  return {
    id: 'interests',
    template: 'questionnaires/views/interests-panel.njk',
    async data(user, shared) {
      const organisationId = user.organisationId;
      if (user.role !== 'supplier' || !organisationId) return null;
      const mine = await interests.forOrganisationOnce(user, shared);
      const progress = await questionnaires.progressForMany(
        mine.map((m) => m.tender.id),
        organisationId,
      );
      // An exercise closed, cancelled or past its questionnaire deadline takes no more answers: the row says so.
      const now = questionnaires.now();
      const myInterests = mine.map((m) => ({
        ...m,
        questionnaire: progress.get(m.tender.id)!,
        open: m.tender.status === 'published' && now <= new Date(m.tender.questionnaireDeadline),
      }));
      // Only the newest are listed: the dashboard says so when the list stops there.
      return { myInterests, listedMost: mine.length >= MOST_ON_DASHBOARD ? MOST_ON_DASHBOARD : null };
    },
  };
}
