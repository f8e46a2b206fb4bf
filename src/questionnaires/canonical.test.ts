import { createHash } from 'node:crypto';
import { canonicalJson, responseSha256 } from './canonical';

test('keys are sorted at every level, arrays keep their order, undefined is left out', () => {
  expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
    '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
  );
  expect(canonicalJson('é"')).toBe('"é\\""');
});

test('the receipt hash is the SHA-256 of the canonical JSON, whatever the order of keys and attachments', () => {
  const one = responseSha256({
    tenderId: 't',
    organisationId: 'o',
    answers: { b: ['x', 'y'], a: 2 },
    attachments: [
      { key: 'z', fileId: 'f2', sha256: '22' },
      { key: 'c', fileId: 'f1', sha256: '11' },
    ],
  });
  const expected = createHash('sha256')
    .update(
      '{"answers":{"a":2,"b":["x","y"]},"attachments":[{"fileId":"f1","key":"c","sha256":"11"},{"fileId":"f2","key":"z","sha256":"22"}],"organisationId":"o","tenderId":"t"}',
    )
    .digest('hex');
  expect(one).toBe(expected);
  const reordered = responseSha256({
    organisationId: 'o',
    attachments: [
      { sha256: '11', key: 'c', fileId: 'f1' },
      { key: 'z', fileId: 'f2', sha256: '22' },
    ],
    answers: { a: 2, b: ['x', 'y'] },
    tenderId: 't',
  });
  expect(reordered).toBe(one);
  expect(responseSha256({ tenderId: 't', organisationId: 'o', answers: { a: 3, b: ['x', 'y'] }, attachments: [] })).not.toBe(one);
});
