import { daysUntil, fromLondon, toLondon, ukTime } from './london-time';

test('winter times are UTC and summer times are an hour ahead', () => {
  expect(fromLondon({ year: 2027, month: 1, day: 15, hour: 12, minute: 0 })?.toISOString()).toBe('2027-01-15T12:00:00.000Z');
  expect(fromLondon({ year: 2027, month: 7, day: 15, hour: 12, minute: 0 })?.toISOString()).toBe('2027-07-15T11:00:00.000Z');
  expect(toLondon(new Date('2027-07-15T11:00:00Z'))).toEqual({ year: 2027, month: 7, day: 15, hour: 12, minute: 0 });
});

test('dates that do not exist are refused', () => {
  expect(fromLondon({ year: 2027, month: 2, day: 31, hour: 12, minute: 0 })).toBeNull();
  expect(fromLondon({ year: 2027, month: 13, day: 1, hour: 12, minute: 0 })).toBeNull();
});

test('pages show London time and say so, the GOV.UK way', () => {
  expect(ukTime(new Date('2027-01-05T21:22:00Z'))).toBe('5 January 2027, 9:22pm (UK time)');
  expect(ukTime(new Date('2027-07-05T08:00:00Z'))).toBe('5 July 2027, 9am (UK time)');
  expect(ukTime(new Date('2027-01-05T12:00:00Z'))).toBe('5 January 2027, midday (UK time)');
  expect(ukTime(new Date('2027-01-05T00:00:00Z'))).toBe('5 January 2027, midnight (UK time)');
  expect(ukTime(new Date('2027-01-05T00:05:00Z'))).toBe('5 January 2027, 12:05am (UK time)');
});

test('days until a deadline count London calendar days', () => {
  const now = new Date('2027-01-05T23:30:00Z');
  expect(daysUntil(new Date('2027-01-06T00:30:00Z'), now)).toBe(1);
  expect(daysUntil(new Date('2027-01-05T23:59:00Z'), now)).toBe(0);
  expect(daysUntil(new Date('2027-01-17T09:00:00Z'), now)).toBe(12);
  expect(daysUntil(new Date('2027-01-04T09:00:00Z'), now)).toBe(-1);
});
