import type { Sector } from '../suppliers';

/** Counts for one sector or one group of sectors (SPEC "Counting rules"). */
export interface SectorCounts {
  interests: number;
  started: number;
  submitted: number;
  /** submitted / interests; null when interests = 0. */
  conversion: number | null;
  /** This group's interests / all interests; null when there are none. */
  shareOfInterests: number | null;
  /** This group's submissions / all submissions; null when there are none. */
  shareOfSubmissions: number | null;
}

export interface SectorRow extends SectorCounts {
  sector: Sector;
  label: string;
}

export type RuleId = 'share' | 'conversion_gap' | 'volume';

export interface RuleResult {
  id: RuleId;
  fired: boolean;
  /** The measured value; null when the rule cannot be measured (e.g. a group with no interests). */
  value: number | null;
  threshold: number;
}

export type BySector = Record<Sector, number>;

export interface BarrierRow {
  code: string;
  label: string;
  remedy: string;
  bySector: BySector;
  /** Share of third-sector respondents naming it minus the share of other respondents naming it. */
  gap: number;
}

/** Per-question figures by sector, from submitted responses only; never any free text. */
export type QuestionCrossTab =
  | {
      key: string;
      label: string;
      type: 'single' | 'multi' | 'yesno';
      respondents: BySector;
      options: { value: string; label: string; bySector: BySector; shareBySector: Record<Sector, number | null> }[];
    }
  | {
      key: string;
      label: string;
      type: 'scale' | 'number';
      bySector: Record<Sector, { n: number; mean: number | null; median: number | null }>;
    }
  | { key: string; label: string; type: 'text' | 'textarea' | 'date' | 'file'; answered: BySector };

export interface LotRow {
  lotId: string;
  title: string;
  estimatedAnnualValue: number | null;
  /** Interests naming this lot, by sector. */
  interests: BySector;
  /** Submitted respondents whose answer to `capacityQuestion` is at least the lot's annual value. */
  couldTakeOn: BySector;
}

export interface OutreachRow {
  heardVia: string;
  label: string;
  bySector: BySector;
}

export interface DecisionView {
  barrier: string;
  decision: 'change' | 'no_change';
  /** What the borough will change, or why not. */
  text: string;
  byName: string;
  at: string;
}

export interface SectorAnalysis {
  tenderId: string;
  generatedAt: string;
  sectors: SectorRow[];
  thirdSector: SectorCounts;
  otherSectors: SectorCounts;
  weakThirdSectorResponse: boolean;
  rules: RuleResult[];
  barriers: BarrierRow[];
  // Beyond the contract:
  questions: QuestionCrossTab[];
  lots: LotRow[];
  /** The number question the lot-design view reads ("largest contract value each year"), or null when there is none. */
  capacityQuestion: { key: string; label: string } | null;
  outreach: OutreachRow[];
  sectorCheckWarnings: number;
  /** Submitted responses an officer typed in (phone, event, email); they are counted in every figure and marked. */
  recordedResponses: number;
  /** While expressions of interest are open: "3 of 20 interests are from the third sector; 12 days left". */
  earlyWarning: { message: string; daysLeft: number; actions: string[] } | null;
  decisions: DecisionView[];
}

/** One organisation that expressed interest, for the workbook's Respondents sheet (no contact details). */
export interface RespondentRow {
  organisation: string;
  sector: Sector;
  size: string;
  interestStatus: 'active' | 'withdrawn';
  questionnaire: 'not started' | 'draft' | 'submitted';
  recorded: boolean;
  sectorWarnings: number;
}

/** One submitted response for the Responses sheet: answers keyed by question key, already as display text. */
export interface ResponseRow {
  organisation: string;
  sector: Sector;
  receivedAt: string;
  recorded: boolean;
  answers: Record<string, string | number | null>;
}
