import { fromLondon, toLondon } from '../platform/london-time';
import type { FieldErrors } from '../platform/errors';
import { numberFromForm, textField } from '../platform/form-fields';
import { MAX_EVENTS, MAX_LOTS } from './tenders.schemas';
import type { Tender } from './tenders.service';

/** Blank rows the form offers for lots and events, so it works without JavaScript. */
export const LOT_ROWS = 6;
export const EVENT_ROWS = 3;
export const DEADLINES = ['clarificationDeadline', 'eoiDeadline', 'questionnaireDeadline'] as const;

type FormBody = Record<string, unknown>;

const str = textField;

const wholeNumber = numberFromForm;

/** Reads a GOV.UK date input (day, month, year) plus a time field into an ISO string, or an error message. */
function dateField(body: FormBody, name: string, label: string): { value?: string; error?: string } {
  const day = str(body[`${name}-day`]);
  const month = str(body[`${name}-month`]);
  const year = str(body[`${name}-year`]);
  const time = str(body[`${name}-time`]) || '12:00';
  if (!day && !month && !year) return { error: `Enter the ${label}` };
  if (!day || !month || !year) return { error: `The ${label} must include a day, month and year` };
  const timeMatch = /^(\d{1,2})[:.](\d{2})$/.exec(time);
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year) || !timeMatch) {
    return { error: `The ${label} must be a real date, like 27 3 2027, and a time like 12:00` };
  }
  const date = fromLondon({
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(timeMatch[1]),
    minute: Number(timeMatch[2]),
  });
  if (!date || Number(timeMatch[1]) > 23) return { error: `The ${label} must be a real date and time` };
  return { value: date.toISOString() };
}

export const DEADLINE_LABELS: Record<(typeof DEADLINES)[number], string> = {
  clarificationDeadline: 'deadline for questions',
  eoiDeadline: 'deadline for expressions of interest',
  questionnaireDeadline: 'deadline for questionnaires',
};

/** Turns the flat exercise form into the JSON API's body, so one schema checks both. */
export function tenderFromForm(body: FormBody): { input: Record<string, unknown>; formErrors: FieldErrors } {
  const formErrors: FieldErrors = {};
  const input: Record<string, unknown> = {
    title: str(body.title),
    summary: str(body.summary),
    specification: str(body.specification),
    serviceScope: str(body.serviceScope),
    tupe: str(body.tupe) || 'unknown',
    sealed: body.sealed === 'yes',
    shareFindings: body.shareFindings === 'yes',
  };
  const lots = [];
  // Every row the form may have sent is read: an exercise with many lots shows more rows than the blank ones.
  for (let i = 0; i < MAX_LOTS; i += 1) {
    const title = str(body[`lots-${i}-title`]);
    const description = str(body[`lots-${i}-description`]);
    const value = wholeNumber(body[`lots-${i}-estimatedAnnualValue`]);
    if (!title && !description && value === null) continue;
    const lot: Record<string, unknown> = { title, description, estimatedAnnualValue: value };
    const id = str(body[`lots-${i}-id`]);
    if (id) lot.id = id;
    lots.push(lot);
  }
  input.lots = lots;
  const min = wholeNumber(body.estimatedValueMin);
  const max = wholeNumber(body.estimatedValueMax);
  input.estimatedValue = min === null && max === null ? null : { min: min ?? 0, max: max ?? min };
  input.contractTermMonths = wholeNumber(body.contractTermMonths);
  const target = wholeNumber(body.thirdSectorTargetPercent);
  input.thirdSectorTarget = typeof target === 'number' ? target / 100 : target === null ? 0.25 : target;
  for (const name of DEADLINES) {
    const { value, error } = dateField(body, name, DEADLINE_LABELS[name]);
    if (error) formErrors[name] = error;
    input[name] = value ?? '';
  }
  const events = [];
  for (let i = 0; i < MAX_EVENTS; i += 1) {
    const title = str(body[`events-${i}-title`]);
    const hasDate =
      str(body[`events-${i}-startsAt-day`]) || str(body[`events-${i}-startsAt-month`]) || str(body[`events-${i}-startsAt-year`]);
    if (!title && !hasDate) continue;
    const { value, error } = dateField(body, `events-${i}-startsAt`, 'event date');
    if (error) formErrors[`engagementEvents.${i}.startsAt`] = error;
    const event: Record<string, unknown> = {
      title,
      format: str(body[`events-${i}-format`]),
      startsAt: value ?? '',
      location: str(body[`events-${i}-location`]),
    };
    const id = str(body[`events-${i}-id`]);
    if (id) event.id = id;
    events.push(event);
  }
  input.engagementEvents = events;
  return { input, formErrors };
}

/** API field paths to the ids of the form's inputs. */
export function formFieldId(path: string): string {
  if (path === 'estimatedValue.min') return 'estimatedValueMin';
  if (path === 'estimatedValue.max') return 'estimatedValueMax';
  if (path === 'thirdSectorTarget') return 'thirdSectorTargetPercent';
  if (path.startsWith('engagementEvents.')) return path.replace('engagementEvents.', 'events.');
  return path;
}

function dateValues(name: string, iso: string | null | undefined): Record<string, string> {
  if (!iso) return {};
  const t = toLondon(new Date(iso));
  return {
    [`${name}-day`]: String(t.day),
    [`${name}-month`]: String(t.month),
    [`${name}-year`]: String(t.year),
    [`${name}-time`]: `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`,
  };
}

/** The form's flat values for an existing exercise. */
export function formFromTender(t: Tender): Record<string, string> {
  const values: Record<string, string> = {
    title: t.title,
    summary: t.summary,
    specification: t.specification,
    serviceScope: t.serviceScope,
    tupe: t.tupe,
    sealed: t.sealed ? 'yes' : '',
    shareFindings: t.shareFindings ? 'yes' : '',
    estimatedValueMin: t.estimatedValue ? String(t.estimatedValue.min) : '',
    estimatedValueMax: t.estimatedValue ? String(t.estimatedValue.max) : '',
    contractTermMonths: t.contractTermMonths === null ? '' : String(t.contractTermMonths),
    thirdSectorTargetPercent: String(Math.round(t.thirdSectorTarget * 100)),
  };
  t.lots.forEach((lot, i) => {
    values[`lots-${i}-id`] = lot.id;
    values[`lots-${i}-title`] = lot.title;
    values[`lots-${i}-description`] = lot.description;
    values[`lots-${i}-estimatedAnnualValue`] = lot.estimatedAnnualValue === null ? '' : String(lot.estimatedAnnualValue);
  });
  for (const name of DEADLINES) Object.assign(values, dateValues(name, t[name]));
  t.engagementEvents.forEach((e, i) => {
    values[`events-${i}-id`] = e.id;
    values[`events-${i}-title`] = e.title;
    values[`events-${i}-format`] = e.format;
    values[`events-${i}-location`] = e.location;
    Object.assign(values, dateValues(`events-${i}-startsAt`, e.startsAt));
  });
  return values;
}

/** Which folded parts of the form start open: those holding something typed or a problem, so nothing is hidden from its owner. */
export function openParts(
  values: FormBody,
  errors: FieldErrors = {},
): Record<'scope' | 'moreLots' | 'value' | 'events' | 'settings', boolean> {
  const filled = (key: string) => !key.endsWith('-id') && str(values[key]) !== '';
  const keys = [...Object.keys(values).filter(filled), ...Object.keys(errors)];
  const any = (test: RegExp) => keys.some((key) => test.test(key));
  return {
    scope: any(/^serviceScope$/),
    moreLots: any(/^lots[.-]([1-9]|\d{2,})[.-]/),
    value: any(/^(estimatedValue|contractTermMonths)/),
    events: any(/^events[.-]/),
    settings: Object.keys(errors).some((key) => /^(thirdSectorTarget|sealed|shareFindings)/.test(key)),
  };
}
