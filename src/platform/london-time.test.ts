import { fromLondon, toLondon } from './london-time';

test('winter times are UTC and summer times are an hour ahead', () => {
  expect(fromLondon({ year: 2027, month: 1, day: 15, hour: 12, minute: 0 })?.toISOString()).toBe('2027-01-15T12:00:00.000Z');
  expect(fromLondon({ year: 2027, month: 7, day: 15, hour: 12, minute: 0 })?.toISOString()).toBe('2027-07-15T11:00:00.000Z');
  expect(toLondon(new Date('2027-07-15T11:00:00Z'))).toEqual({ year: 2027, month: 7, day: 15, hour: 12, minute: 0 });
});

test('dates that do not exist are refused', () => {
  expect(fromLondon({ year: 2027, month: 2, day: 31, hour: 12, minute: 0 })).toBeNull();
  expect(fromLondon({ year: 2027, month: 13, day: 1, hour: 12, minute: 0 })).toBeNull();
});
