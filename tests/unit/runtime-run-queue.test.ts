import { describe, expect, it } from 'vitest';
import { RunQueue } from '../../src/runtime/run-queue.ts';
import { CancelledError } from '../../src/shared/errors.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RunQueue', () => {
  it('runs one task at a time, in order', async () => {
    const queue = new RunQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name}>`);
      await sleep(ms);
      log.push(`<${name}`);
      return name;
    };
    const results = await Promise.all([queue.enqueue(task('a', 20)), queue.enqueue(task('b', 1)), queue.enqueue(task('c', 5))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a>', '<a', 'b>', '<b', 'c>', '<c']);
    expect(queue.size).toBe(0);
  });

  it('lets a waiting task leave when cancelled, without breaking the order of the rest', async () => {
    const queue = new RunQueue();
    const log: string[] = [];
    const controller = new AbortController();
    const first = queue.enqueue(async () => {
      await sleep(30);
      log.push('first');
    });
    const cancelled = queue.enqueue(async () => log.push('cancelled'), controller.signal);
    const third = queue.enqueue(async () => log.push('third'));
    controller.abort(new CancelledError());
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(log).toEqual([]); // left at once, while the first task still runs
    await Promise.all([first, third]);
    expect(log).toEqual(['first', 'third']);
  });

  it('keeps going after a task fails', async () => {
    const queue = new RunQueue();
    await expect(queue.enqueue(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await expect(queue.enqueue(async () => 2)).resolves.toBe(2);
  });
});
