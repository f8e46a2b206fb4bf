import { readAhead } from './read-ahead';

async function* numbers(n: number, log: string[]): AsyncGenerator<number> {
  try {
    for (let i = 0; i < n; i += 1) {
      await new Promise((r) => setImmediate(r));
      yield i;
    }
  } finally {
    log.push('closed');
  }
}

test('hands on every record once, in order, in batches no larger than the limit', async () => {
  const log: string[] = [];
  const seen: number[] = [];
  for await (const batch of readAhead(numbers(250, log), 16)) {
    expect(batch.length).toBeLessThanOrEqual(16);
    seen.push(...batch);
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i));
  expect(log).toEqual(['closed']);
});

test('a consumer that stops early closes the source', async () => {
  const log: string[] = [];
  for await (const batch of readAhead(numbers(10_000, log), 8)) {
    if (batch.includes(20) || batch.some((n) => n > 20)) break;
  }
  expect(log).toEqual(['closed']);
});

test('a failing source fails the consumer', async () => {
  async function* failing(): AsyncGenerator<number> {
    yield 1;
    throw new Error('cursor lost');
  }
  const run = async () => {
    for await (const batch of readAhead(failing())) void batch;
  };
  await expect(run()).rejects.toThrow('cursor lost');
});
