import type { Writable } from 'node:stream';
import type { PublicUser } from '../platform/roles';
import type { AuditLog } from '../platform/audit';
import { allQuestions, type QuestionnairesService } from '../questionnaires';
import type { InterestsService, Sector } from '../suppliers';
import { displayAnswers, type SectorAnalysisBuilder } from './analysis';
import type { RespondentRow, ResponseRow } from './analysis.types';
import { sectorBarChartSvg } from './charts';
import { readAhead } from './read-ahead';
import { writeWorkbook, type WriteOptions, type WriteOutcome } from './workbook';
import { chartPicture } from './workbook.picture';
import type { ExerciseHeading } from './workbook.sheets';

/** Where the workbook gets its analysis builder, with the questions and the decision log (the reports service). */
export interface DecisionSource {
  builderFor(tender: Awaited<ReturnType<QuestionnairesService['officerReadable']>>): Promise<SectorAnalysisBuilder>;
}

/** Interests per organisation-name lookup: the map of respondents holds them all anyway. */
const INTEREST_BATCH = 25_000;

interface Respondent {
  name: string;
  sector: Sector;
  size: string;
  active: boolean;
  sectorWarnings: number;
  questionnaire: RespondentRow['questionnaire'];
  recorded: boolean;
}

/** A workbook whose access is checked and whose small parts are read: nothing has been sent yet. */
export interface PreparedWorkbook {
  exercise: ExerciseHeading;
  write(out: Writable, opts?: WriteOptions): Promise<WriteOutcome>;
}

/**
 * The sector workbook of one exercise, read in one pass: the interests (held as a small map, no contact
 * details), then the responses, which are written to the Responses sheet and counted into the analysis as
 * they pass; the sheets made from the analysis are written last and shown first.
 */
export class WorkbookService {
  constructor(
    private readonly interests: InterestsService,
    private readonly questionnaires: QuestionnairesService,
    private readonly decisions: DecisionSource,
    private readonly audit: AuditLog,
  ) {}

  /** Every check (404 for another borough, 403 while sealed, both audited) happens here, before the first byte. */
  async prepare(tenderId: string, actor: PublicUser): Promise<PreparedWorkbook> {
    const tender = await this.questionnaires.officerReadable(tenderId, actor, 'reports.workbook');
    const builder = await this.decisions.builderFor(tender);
    const respondents = new Map<string, Respondent>();
    // Names come in one lookup per batch, and an engine without index use scans every organisation per lookup.
    for await (const i of this.interests.streamForReport(tender, INTEREST_BATCH)) {
      builder.addInterest(i);
      respondents.set(i.organisationId, {
        name: i.organisationName,
        sector: i.sector,
        size: i.size,
        active: i.status === 'active',
        sectorWarnings: i.sectorWarnings,
        questionnaire: 'not started',
        recorded: false,
      });
    }
    await this.audit.record({
      action: 'reports.workbook',
      outcome: 'allowed',
      actor,
      target: `tender:${tender._id.toString()}`,
      detail: 'sector workbook',
    });

    const questions = builder.definition ? allQuestions(builder.definition) : [];
    const responses = this.questionnaires.streamForReport(tender, { answers: true });
    async function* responseRows(): AsyncGenerator<ResponseRow[]> {
      for await (const batch of readAhead(responses)) {
        const rows: ResponseRow[] = [];
        for (const r of batch) {
          builder.addResponse(r);
          const org = respondents.get(r.organisationId);
          if (!org) continue;
          org.questionnaire = r.status === 'submitted' ? 'submitted' : 'draft';
          org.recorded = r.recorded;
          if (!org.active || !r.submittedAnswers) continue;
          rows.push({
            organisation: org.name,
            sector: org.sector,
            receivedAt: r.receivedAt ?? '',
            recorded: r.recorded,
            answers: displayAnswers(questions, r.submittedAnswers),
          });
        }
        yield rows;
      }
    }
    const respondentRows = function* (): Generator<RespondentRow> {
      for (const r of respondents.values()) {
        yield {
          organisation: r.name,
          sector: r.sector,
          size: r.size,
          interestStatus: r.active ? 'active' : 'withdrawn',
          questionnaire: r.questionnaire,
          recorded: r.recorded,
          sectorWarnings: r.sectorWarnings,
        };
      }
    };
    const exercise = { reference: tender.reference, title: tender.title };
    return {
      exercise,
      write: (out, opts) =>
        writeWorkbook(
          {
            exercise,
            questions: questions.map((q) => ({ key: q.key, label: q.label })),
            responses: responseRows(),
            respondents: respondentRows,
            analysis: () => builder.result(),
            chart: (analysis) => chartPicture(sectorBarChartSvg(analysis), 'Interests, started and submitted responses by sector'),
          },
          out,
          opts,
        ),
    };
  }
}
