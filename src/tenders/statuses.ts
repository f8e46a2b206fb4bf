/** Exercise lifecycle (SPEC capability 1): drafts are published, then closed, or cancelled at any point. */
export const TENDER_STATUSES = ['draft', 'published', 'closed', 'cancelled'] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];

/** Which statuses each status may move to. */
export const TENDER_TRANSITIONS: Record<TenderStatus, readonly TenderStatus[]> = {
  draft: ['published', 'cancelled'],
  published: ['closed', 'cancelled'],
  closed: [],
  cancelled: [],
};

export const STATUS_LABELS: Record<TenderStatus, string> = {
  draft: 'Draft',
  published: 'Open',
  closed: 'Closed',
  cancelled: 'Cancelled',
};
