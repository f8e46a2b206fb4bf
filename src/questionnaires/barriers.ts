import type { BarrierCode } from './constants';

export interface Barrier {
  /** What a supplier sees as the option in the `barriers` question, and officers see in the analysis. */
  label: string;
  /** A concrete change the borough could make to remove the barrier (Procurement Act 2023, s.12(4)). Written as in the SPEC: lower case, no full stop. */
  remedy: string;
}

/** The barrier bank (SPEC "Barrier bank"): a plain-English label and a suggested remedy for each stable code, in the SPEC's order. */
export const BARRIERS: Readonly<Record<BarrierCode, Readonly<Barrier>>> = Object.freeze({
  contract_size: {
    label: 'The contract is too big for us',
    remedy: 'consider smaller lots or a lot for community-managed libraries',
  },
  tupe_pensions: {
    label: 'Taking on staff under TUPE, and their pensions',
    remedy:
      'share anonymised staff and pension data early, and consider admitted-body status in the Local Government Pension Scheme or a council-funded pension bond so a small provider does not carry the pension risk alone',
  },
  payment_terms: {
    label: 'Payment terms would affect our cash flow',
    remedy: 'pay monthly in advance, or within 14 days of an invoice, rather than quarterly in arrears',
  },
  insurance_levels: {
    label: 'The insurance levels asked for',
    remedy: 'set insurance levels to the real risk of the service, not a default of £10 million, and accept cover put in place on award',
  },
  financial_thresholds: {
    label: 'Financial tests, such as minimum turnover',
    remedy:
      'use proportionate turnover tests (no more than twice the annual contract value) and accept parent-company or bank guarantees instead',
  },
  bid_writing_capacity: {
    label: 'We do not have the time or skills to write a bid',
    remedy: 'run a bidder-support session with the local CVS',
  },
  timescales: {
    label: 'Not enough time to prepare a bid',
    remedy: 'allow at least 6 weeks to respond, and publish the timetable early so organisations can plan',
  },
  track_record: {
    label: 'We cannot show a track record of running a similar contract',
    remedy: 'accept experience from volunteer-run services, partners and similar community work, not only previous council contracts',
  },
  consortium_complexity: {
    label: 'Forming a partnership or consortium is too complicated',
    remedy:
      'publish a partner finder of willing organisations and a template consortium agreement, and let a lead partner bid for the group',
  },
  premises_assets: {
    label: 'Responsibility for library buildings and equipment',
    remedy: 'the council keeps responsibility for building repairs and major maintenance, and shares condition surveys with bidders',
  },
  it_systems: {
    label: 'IT and the library management system',
    remedy: 'the council provides the library management system, public computers and network, so bidders do not have to buy their own',
  },
  other: {
    label: 'Something else',
    remedy: 'ask organisations what would help them bid, and follow up with those who named a barrier',
  },
});
