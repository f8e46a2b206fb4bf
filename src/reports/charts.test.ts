import { LIBRARY_SMT_V1 } from '../questionnaires';
import { analyse } from './analysis';
import { barrierChartSvg, escapeXml, sectorBarChartSvg } from './charts';

const analysis = analyse(
  {
    exercise: { id: 't', status: 'closed', lots: [], thirdSectorTarget: null, eoiDeadline: new Date('2027-01-01') },
    definition: LIBRARY_SMT_V1,
    now: new Date('2027-02-01'),
  },
  [
    { organisationId: 'a', sector: 'private', status: 'active', lotIds: [], heardVia: 'event', sectorWarnings: 0 },
    { organisationId: 'b', sector: 'voluntary', status: 'active', lotIds: [], heardVia: 'event', sectorWarnings: 0 },
  ],
  [
    { organisationId: 'a', status: 'submitted', submittedAnswers: { barriers: ['timescales'] }, recorded: false },
    { organisationId: 'b', status: 'submitted', submittedAnswers: { barriers: ['contract_size'] }, recorded: false },
  ],
);

test('the sector chart is an accessible image: role, title, description and a text label on every bar', () => {
  const svg = sectorBarChartSvg(analysis);
  expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="sector-chart-title sector-chart-desc"/);
  expect(svg).toContain('<title id="sector-chart-title">Interests and questionnaire responses by sector</title>');
  expect(svg).toContain('Private: 1 interested, 1 started, 1 submitted.');
  expect(svg.match(/>\d+ interested</g)).toHaveLength(4);
  expect(svg.match(/>\d+ submitted</g)).toHaveLength(4);
  expect(svg).toContain('id="sector-chart-stripes"');
});

test('the barrier chart shows only named barriers, each with third-sector and other shares in words', () => {
  const svg = barrierChartSvg(analysis, 'b');
  expect(svg).toContain('<title id="b-title">');
  expect(svg).toContain('Third sector 100% (1 of 1)');
  expect(svg).toContain('Other 100% (1 of 1)');
  expect(svg).not.toContain('IT and the library');
});

test('text is escaped for XML', () => {
  expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});
