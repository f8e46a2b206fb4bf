/** The boroughs whose officers the demo creates. */
export const DEMO_BOROUGHS = ['camden', 'hackney', 'lambeth', 'barnet'] as const;

/** Demo exercises, one or more per demo borough; deadlines are set from the day the demo is seeded. */
export const DEMO_EXERCISES: {
  borough: (typeof DEMO_BOROUGHS)[number];
  publish: boolean;
  title: string;
  summary: string;
  specification: string;
  lots: { title: string; description: string; estimatedAnnualValue?: number }[];
  tupe: 'yes' | 'no' | 'unknown';
  sealed?: boolean;
  question?: { asker: string; question: string; answer: string };
}[] = [
  {
    borough: 'camden',
    publish: true,
    title: 'Community library services in the north of the borough',
    summary:
      'We want partners to help run three branch libraries and our home library service. Tell us what would help you take part. Small and community groups are welcome.',
    specification:
      'Three branch libraries open at least 40 hours a week. A home library service for about 300 readers. Children’s and digital activities in every branch.',
    lots: [
      { title: 'Branch libraries', description: 'Kentish Town, Highgate and Belsize branches.', estimatedAnnualValue: 450000 },
      { title: 'Home library service', description: 'Books delivered to housebound readers.', estimatedAnnualValue: 60000 },
    ],
    tupe: 'yes',
    question: {
      asker: 'friends@example.org',
      question: 'Could a group of volunteers bid for the home library service on its own?',
      answer: 'Yes. Each lot can be bid for on its own, and we welcome bids from volunteer-led groups.',
    },
  },
  {
    borough: 'camden',
    publish: false,
    title: 'Library café and community space',
    summary: 'We are thinking about a café in our main library. This is a draft and is not yet published.',
    specification: 'A café open during library hours, with space for community groups.',
    lots: [],
    tupe: 'no',
  },
  {
    borough: 'hackney',
    publish: true,
    title: 'Mobile and outreach library service',
    summary:
      'We want a partner to run a mobile library and pop-up libraries in community centres. Tell us how you would reach people who do not use libraries now.',
    specification: 'One mobile library vehicle, six days a week. Pop-up libraries in at least 10 community venues each month.',
    lots: [
      { title: 'Mobile library', description: 'Vehicle, driver and stock.', estimatedAnnualValue: 180000 },
      { title: 'Pop-up libraries', description: 'Sessions in community centres and markets.', estimatedAnnualValue: 70000 },
    ],
    tupe: 'unknown',
  },
  {
    borough: 'lambeth',
    publish: true,
    title: 'Reading and learning programmes for children and families',
    summary:
      'We want organisations to run reading clubs, homework help and family learning in our libraries. Groups of any size can take part.',
    specification: 'Weekly reading clubs in 9 libraries, homework help after school, and a summer reading challenge.',
    lots: [
      { title: 'Reading clubs', description: 'For children under 12.', estimatedAnnualValue: 90000 },
      { title: 'Family learning', description: 'Sessions for parents and carers.', estimatedAnnualValue: 40000 },
      { title: 'Summer reading challenge', description: 'Running the challenge across the borough.', estimatedAnnualValue: 25000 },
    ],
    tupe: 'no',
  },
  {
    borough: 'barnet',
    publish: true,
    title: 'Partnership libraries run with community organisations',
    summary:
      'We want community organisations to run four partnership libraries with our support. We provide the building, stock and computers.',
    specification: 'Four libraries open at least 15 hours a week, run by a community partner with council support.',
    lots: [{ title: 'Partnership libraries', description: 'Four libraries in the west of the borough.', estimatedAnnualValue: 120000 }],
    tupe: 'no',
    // Barnet's answers are sealed; Hackney's are open, so its sector analysis can be read during the demo.
    sealed: true,
  },
];
