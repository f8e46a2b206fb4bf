import mongoose, { type Types } from 'mongoose';
import { isDuplicateKey } from '../db/connection';
import type { PublicUser } from '../platform/roles';
import { ConflictError, NotFoundError } from '../platform/errors';
import { isOwnBoroughOfficer, type Actor, type TenderRead } from '../tenders';
import type { QuestionnaireStore } from './questionnaire.store';
import { questionnaireView, type QuestionnaireView } from './response.presenter';
import type { QuestionnaireDefinition } from './types';
import { fitTemplateToLots } from './template';

/** An exercise's questions: set by the borough's officers, read by anyone who can see the exercise. */
export class QuestionnaireDefinitions {
  constructor(private readonly store: QuestionnaireStore) {}

  async isLocked(tenderId: Types.ObjectId): Promise<boolean> {
    const [locked, submitted] = await Promise.all([
      this.store.questionnaires.exists({ tender: tenderId, locked: true }),
      this.store.responses.exists({ tender: tenderId, status: 'submitted' }),
    ]);
    return Boolean(locked || submitted);
  }

  /**
   * Whether the officer may know that someone has submitted: not while answers are sealed. Then the questions
   * are fixed from publication, whether or not anyone has answered yet, so nothing gives that away.
   */
  private sealedNow(tender: TenderRead): boolean {
    return tender.sealed && tender.status === 'published' && this.store.now() <= tender.questionnaireDeadline;
  }

  /** Sets the questions of the officer's own exercise, from a template or a checked definition; 409 once answered. */
  async setQuestionnaire(
    tenderId: string,
    definition: QuestionnaireDefinition,
    template: string | null,
    actor: PublicUser,
  ): Promise<QuestionnaireView> {
    const tender = await this.store.tenders.findOwn(tenderId, actor);
    if (tender.status === 'closed' || tender.status === 'cancelled') {
      throw new ConflictError('wrong_status', `The questionnaire of a ${tender.status} exercise cannot be changed`);
    }
    if (this.sealedNow(tender)) {
      throw new ConflictError('sealed', 'The questions of a sealed exercise cannot be changed once it is published');
    }
    const locked = () => new ConflictError('locked', 'The questionnaire cannot be changed: an organisation has already submitted answers');
    if (await this.store.responses.exists({ tender: tender._id, status: 'submitted' })) throw locked();
    try {
      // Not locked, in the filter: a submission locks the questions on this document first, so the two never cross.
      const saved = await this.store.questionnaires.findOneAndUpdate(
        { tender: tender._id, locked: mongoose.trusted({ $ne: true }) },
        {
          $set: {
            borough: tender.borough,
            template,
            definition: template ? fitTemplateToLots(definition, tender.lots) : definition,
            updatedBy: actor.id,
            updatedAt: this.store.now(),
          },
          $inc: { version: 1 },
        },
        { upsert: true, returnDocument: 'after' },
      );
      return questionnaireView(saved!, false);
    } catch (err) {
      // The filter found no unlocked questionnaire, and the one there is locked.
      if (isDuplicateKey(err)) throw locked();
      throw err;
    }
  }

  /** The questionnaire of an exercise the actor can see; 404 when it has none yet. */
  async getQuestionnaire(tenderId: string, actor: Actor): Promise<QuestionnaireView> {
    const tender = await this.store.tenders.findVisible(tenderId, actor);
    const q = await this.store.questionnaires.findOne({ tender: tender._id }).lean();
    if (!q) throw new NotFoundError('This exercise has no questionnaire yet');
    // Whether anyone has submitted is the council's to know, not the public's.
    const own = isOwnBoroughOfficer(actor, tender.borough.toString());
    return questionnaireView(q, own ? this.sealedNow(tender) || (await this.isLocked(tender._id)) : null);
  }
}
