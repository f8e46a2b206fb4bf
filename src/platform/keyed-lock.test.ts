import { KeyedLock } from './keyed-lock';

const tick = () => new Promise((r) => setTimeout(r, 5));

test('tasks with one key run one at a time, in order; other keys run alongside', async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const task = (name: string) => async () => {
    log.push(`start ${name}`);
    await tick();
    log.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([lock.run('a', task('a1')), lock.run('a', task('a2')), lock.run('b', task('b1'))]);
  expect(results).toEqual(['a1', 'a2', 'b1']);
  expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
  expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  expect(lock.size).toBe(0);
});

test('a failing task passes its error on and does not block the next', async () => {
  const lock = new KeyedLock();
  const failed = lock.run('a', async () => {
    await tick();
    throw new Error('boom');
  });
  const next = lock.run('a', async () => 'ran');
  await expect(failed).rejects.toThrow('boom');
  await expect(next).resolves.toBe('ran');
  expect(lock.size).toBe(0);
});
