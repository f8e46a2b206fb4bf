import type { Types } from 'mongoose';
import type { Borough, Boroughs } from '../platform/boroughs';
import type { PublicUser } from '../platform/roles';
import type { TenderStatus } from './statuses';
import type { TenderRecord } from './tender.model';

export type Actor = PublicUser | undefined;

export interface TenderLot {
  id: string;
  title: string;
  description: string;
  estimatedAnnualValue: number | null;
}

export interface TenderDocument {
  id: string;
  title: string;
  filename: string;
  size: number;
  contentType: string;
  version: number;
  uploadedAt: string;
}

export interface TenderHistoryEntry {
  at: string;
  field: string;
  old: string;
  new: string;
  /** Only the borough's own officers see who made a change. */
  byName?: string;
}

/** An exercise as the API returns it. */
export interface Tender {
  id: string;
  reference: string;
  status: TenderStatus;
  borough: Borough;
  title: string;
  summary: string;
  specification: string;
  serviceScope: string;
  lots: TenderLot[];
  estimatedValue: { min: number; max: number } | null;
  contractTermMonths: number | null;
  tupe: 'yes' | 'no' | 'unknown';
  clarificationDeadline: string;
  eoiDeadline: string;
  questionnaireDeadline: string;
  engagementEvents: { id: string; title: string; format: string; startsAt: string; location: string }[];
  sealed: boolean;
  shareFindings: boolean;
  thirdSectorTarget: number;
  publishedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
  documents: TenderDocument[];
  history: TenderHistoryEntry[];
}

const HISTORY_LABELS: Record<string, string> = {
  title: 'Title',
  summary: 'Summary',
  specification: 'Specification',
  serviceScope: 'Service scope',
  lots: 'Lots',
  estimatedValue: 'Estimated value',
  contractTermMonths: 'Contract term (months)',
  tupe: 'TUPE',
  clarificationDeadline: 'Clarification deadline',
  eoiDeadline: 'Expression of interest deadline',
  questionnaireDeadline: 'Questionnaire deadline',
  engagementEvents: 'Engagement events',
  sealed: 'Sealed responses',
  shareFindings: 'Share anonymised findings',
  thirdSectorTarget: 'Third-sector target',
  documents: 'Documents',
};

export function historyLabel(field: string): string {
  return HISTORY_LABELS[field] ?? field;
}

/** Short letters for a borough in references: "camden" → "CAM", "barking-and-dagenham" → "BAD". */
export function boroughCode(slug: string): string {
  const words = slug.split('-').filter((w) => w !== 'of');
  const code = words.length === 1 ? (words[0] ?? '').slice(0, 3) : words.map((w) => w[0]).join('');
  return code.toUpperCase();
}

function iso(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

export function isOwnBoroughOfficer(actor: Actor, boroughId: string): actor is PublicUser {
  return actor?.role === 'officer' && actor.borough?.id === boroughId;
}

/** An exercise as other features read it: a plain, typed copy of the stored record, never a database document. */
export type TenderRead = TenderRecord & { createdAt: Date; updatedAt: Date };

/** Versions are counted per title, whatever its case or spacing. */
export function documentTitleKey(title: string): string {
  return title.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** An exercise as the API and pages show it; the history says who changed what only to the borough's own officers. */
export function tenderView(t: TenderRecord, actor: Actor, boroughs: Boroughs): Tender {
  const boroughId = t.borough.toString();
  const borough = boroughs.findById(boroughId) ?? { id: boroughId, slug: '', name: '' };
  const own = isOwnBoroughOfficer(actor, boroughId);
  return {
    id: t._id.toString(),
    reference: t.reference,
    status: t.status,
    borough,
    title: t.title,
    summary: t.summary,
    specification: t.specification,
    serviceScope: t.serviceScope,
    lots: t.lots.map((l) => ({
      id: l.lotId,
      title: l.title,
      description: l.description,
      estimatedAnnualValue: l.estimatedAnnualValue ?? null,
    })),
    estimatedValue:
      t.estimatedValue && typeof t.estimatedValue.min === 'number'
        ? { min: t.estimatedValue.min, max: t.estimatedValue.max ?? t.estimatedValue.min }
        : null,
    contractTermMonths: t.contractTermMonths ?? null,
    tupe: t.tupe,
    clarificationDeadline: t.clarificationDeadline.toISOString(),
    eoiDeadline: t.eoiDeadline.toISOString(),
    questionnaireDeadline: t.questionnaireDeadline.toISOString(),
    engagementEvents: t.engagementEvents.map((e) => ({
      id: e.eventId,
      title: e.title,
      format: e.format,
      startsAt: e.startsAt.toISOString(),
      location: e.location,
    })),
    sealed: t.sealed,
    shareFindings: t.shareFindings,
    thirdSectorTarget: t.thirdSectorTarget,
    publishedAt: iso(t.publishedAt),
    closedAt: iso(t.closedAt),
    cancelledAt: iso(t.cancelledAt),
    createdAt: (t as unknown as { createdAt: Date }).createdAt.toISOString(),
    updatedAt: (t as unknown as { updatedAt: Date }).updatedAt.toISOString(),
    documents: t.documents.map((d) => ({
      id: (d as unknown as { _id: Types.ObjectId })._id.toString(),
      title: d.title,
      filename: d.filename,
      size: d.size,
      contentType: d.contentType,
      version: d.version,
      uploadedAt: d.uploadedAt.toISOString(),
    })),
    history: t.history.map((h) => ({
      at: h.at.toISOString(),
      field: h.field,
      old: h.old,
      new: h.new,
      ...(own ? { byName: h.byName } : {}),
    })),
  };
}

/** A readable one-line form of a changed value for the history table. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v: { title?: string }) => v.title ?? JSON.stringify(v)).join('; ');
  if (typeof value === 'object' && 'min' in value && 'max' in value) return `£${String(value.min)} to £${String(value.max)}`;
  return JSON.stringify(value);
}
