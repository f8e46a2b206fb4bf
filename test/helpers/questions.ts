import type { Question } from '../../src/questionnaires';

/** A question as stored: optional, with no hint, options, limits or condition unless `fields` say so; labelled with its key. */
export function q(key: string, type: Question['type'] = 'text', fields: Partial<Question> = {}): Question {
  return {
    key,
    type,
    label: key,
    hint: '',
    required: false,
    core: false,
    options: [],
    min: null,
    max: null,
    maxLength: null,
    showIf: null,
    ...fields,
  };
}
