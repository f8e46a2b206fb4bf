export * from './constants';
export {
  QuestionnairesService,
  type QuestionnaireView,
  type ResponseView,
  type Receipt,
  type QuestionnairesServiceOptions,
  type ReportResponse,
} from './questionnaires.service';
export { questionnairesApi } from './questionnaires.api';
export { BARRIERS } from './barriers';
export { TEMPLATES, LIBRARY_SMT_V1, estimatedMinutes, fitTemplateToLots } from './template';
export { responseSha256 } from './canonical';
export { visibleQuestions, answerCheck, isShown, allQuestions } from './answer-rules';
export type { Question, Section, QuestionnaireDefinition, Answers, AnswerValue } from './types';
export { answerPages } from './answer.pages';
export { builderPages } from './builder.pages';
export { responsesPages } from './responses.pages';
export { supplierInterestsPanel } from './questionnaires.panels';
export { questionnaireOnExercise } from './questionnaires.exercise';
