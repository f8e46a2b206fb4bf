import type { QuestionType } from './constants';

export interface QuestionOption {
  value: string;
  label: string;
}

/** Show a question only when an earlier question's answer equals a value (an option value, true/false, or a number). */
export interface ShowIf {
  key: string;
  equals: string | number | boolean;
}

export interface Question {
  /** Stable key: lower case letters, digits and underscores, starting with a letter; unique in the questionnaire. */
  key: string;
  type: QuestionType;
  label: string;
  hint: string;
  required: boolean;
  /** Core questions are the short set every borough asks, so findings compare across boroughs. */
  core: boolean;
  /** For `single` and `multi`: at least two, unique values. Empty for other types. */
  options: QuestionOption[];
  /** `number`: optional bounds; `scale`: always 1 and 5; otherwise null. */
  min: number | null;
  max: number | null;
  /** `text` and `textarea`: the most characters an answer may have. */
  maxLength: number | null;
  showIf: ShowIf | null;
}

export interface Section {
  title: string;
  description: string;
  questions: Question[];
}

export interface QuestionnaireDefinition {
  sections: Section[];
}

/** A value as the API takes it: string, string[], boolean, number, or a file id (string). */
export type AnswerValue = string | string[] | boolean | number;
export type Answers = Record<string, AnswerValue>;
