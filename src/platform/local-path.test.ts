import { localPath } from './local-path';

test('paths on the portal are kept', () => {
  for (const path of ['/', '/tenders/123/interest', '/tenders/123?tab=questions#q', '/dashboard']) expect(localPath(path)).toBe(path);
});

test('another host, a backslash, a control character or anything not a string is refused', () => {
  for (const value of [
    '//evil.example',
    'https://evil.example',
    '/\\evil',
    '/a\\b',
    '/\t/evil.example',
    '/\n/evil',
    '/\u0000x',
    '/a b',
    'tenders',
    '',
    ' /x',
    3,
    null,
    undefined,
    ['/x'],
  ]) {
    expect(localPath(value)).toBeUndefined();
  }
  expect(localPath(`/${'a'.repeat(2000)}`)).toBeUndefined();
});
