import type { Types } from 'mongoose';
import type { PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError } from '../platform/errors';
import { isOwnBoroughOfficer, type Actor } from '../tenders';
import type { QuestionnaireStore } from './questionnaire.store';
import { questionnaireView, type QuestionnaireView } from './response.presenter';
import type { QuestionnaireDefinition } from './types';

/** An exercise's questions: set by the borough's officers, read by anyone who can see the exercise. */
export class QuestionnaireDefinitions {
  constructor(private readonly store: QuestionnaireStore) {}

  async isLocked(tenderId: Types.ObjectId): Promise<boolean> {
    return Boolean(await this.store.responses.exists({ tender: tenderId, status: 'submitted' }));
  }

  /** Sets the questions of the officer's own exercise, from a template or a checked definition; 409 once answered. */
  setQuestionnaire(
    tenderId: string,
    definition: QuestionnaireDefinition,
    template: string | null,
    actor: PublicUser,
  ): Promise<QuestionnaireView> {
    return this.store.writes.run(`q:${tenderId}`, async () => {
      const tender = await this.store.tenders.findOwn(tenderId, actor);
      if (tender.status === 'closed' || tender.status === 'cancelled') {
        throw new ConflictError('wrong_status', `The questionnaire of a ${tender.status} exercise cannot be changed`);
      }
      if (await this.isLocked(tender._id)) {
        throw new ConflictError('locked', 'The questionnaire cannot be changed: an organisation has already submitted answers');
      }
      const saved = await this.store.questionnaires.findOneAndUpdate(
        { tender: tender._id },
        { $set: { borough: tender.borough, template, definition, updatedBy: actor.id, updatedAt: this.store.now() } },
        { upsert: true, returnDocument: 'after' },
      );
      return questionnaireView(saved!, false);
    });
  }

  /** The questionnaire of an exercise the actor can see; 404 when it has none yet. */
  async getQuestionnaire(tenderId: string, actor: Actor): Promise<QuestionnaireView> {
    const tender = await this.store.tenders.findVisible(tenderId, actor);
    const q = await this.store.questionnaires.findOne({ tender: tender._id }).lean();
    if (!q) throw new NotFoundError('This exercise has no questionnaire yet');
    // Whether anyone has submitted is the council's to know, not the public's.
    const own = isOwnBoroughOfficer(actor, tender.borough.toString());
    return questionnaireView(q, own ? await this.isLocked(tender._id) : null);
  }
}
