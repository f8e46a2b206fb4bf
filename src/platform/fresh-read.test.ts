import { FreshRead } from './fresh-read';

/** A read whose answer the test gives, one at a time, counting how many were started. */
function controlledReads() {
  const pending: ((value: number) => void)[] = [];
  let started = 0;
  const read = () =>
    new Promise<number>((resolve) => {
      started += 1;
      pending.push(resolve);
    });
  return { read, started: () => started, answer: (value: number) => pending.shift()!(value) };
}

const tick = () => new Promise((r) => setImmediate(r));

test('callers who arrive during a read share the next read, never the one already under way', async () => {
  const reads = controlledReads();
  const fresh = new FreshRead(reads.read);
  const first = fresh.get();
  const second = fresh.get();
  const third = fresh.get();
  expect(reads.started()).toBe(1);
  reads.answer(1); // the value stored before the second and third callers asked
  await expect(first).resolves.toBe(1);
  await tick();
  expect(reads.started()).toBe(2);
  reads.answer(2);
  await expect(second).resolves.toBe(2);
  await expect(third).resolves.toBe(2);
  expect(reads.started()).toBe(2);
});

test('a failed read fails only its own callers, and the next caller reads again', async () => {
  let calls = 0;
  const fresh = new FreshRead(async () => {
    calls += 1;
    if (calls === 1) throw new Error('database down');
    return calls;
  });
  const failing = fresh.get();
  const after = fresh.get();
  await expect(failing).rejects.toThrow('database down');
  await expect(after).resolves.toBe(2);
  await expect(fresh.get()).resolves.toBe(3);
});

test('with nothing under way, each call reads', async () => {
  let calls = 0;
  const fresh = new FreshRead(async () => ++calls);
  expect(await fresh.get()).toBe(1);
  expect(await fresh.get()).toBe(2);
});
