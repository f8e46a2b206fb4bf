import { Types } from 'mongoose';
import type { PublicUser } from '../platform/roles';
import type { Tender } from '../tenders';
import type { QuestionnaireProgress } from './answering.service';
import type { QuestionnairesService } from './questionnaires.service';

/** What the exercise page shows a supplier about the questionnaire: the next step, once it has expressed interest. */
export async function questionnaireOnExercise(
  questionnaires: QuestionnairesService,
  tender: Tender,
  user: PublicUser | undefined,
): Promise<{ myQuestionnaire?: { status: QuestionnaireProgress['status']; open: boolean }; noQuestionnaire?: boolean }> {
  // The borough's officer, before publishing, is warned when there is no questionnaire to answer yet.
  if (user?.role === 'officer' && user.borough?.id === tender.borough.id && tender.status === 'draft') {
    return { noQuestionnaire: !(await questionnaires.questionnaires.exists({ tender: new Types.ObjectId(tender.id) })) };
  }
  if (user?.role !== 'supplier' || !user.organisationId || tender.status !== 'published') return {};
  const progress = await questionnaires.progressFor(tender.id, user.organisationId);
  if (!progress.hasQuestionnaire) return {};
  return { myQuestionnaire: { status: progress.status, open: questionnaires.now() <= new Date(tender.questionnaireDeadline) } };
}
