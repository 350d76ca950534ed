import { Inventory, MetricSample } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { GenericCollector } from './generic.js';
import { LinuxCollector } from './linux.js';

/** Fails with the offending field's path, which is what one needs to fix a collector. */
function expectValid(schema: typeof Inventory | typeof MetricSample, value: unknown): void {
  const result = schema.safeParse(value);
  expect(result.success ? [] : result.error.issues).toEqual([]);
}

describe.runIf(process.platform === 'linux')('LinuxCollector on this machine', () => {
  it('produces samples and an inventory the protocol accepts', async () => {
    const collector = await LinuxCollector.create({ agentVersion: '0.1.0' });
    const first = await collector.sample();
    const second = await collector.sample();
    expectValid(MetricSample, first);
    expectValid(MetricSample, second);
    expect(second.cpu.perCore.length).toBeGreaterThan(0);
    expect(second.memory.totalBytes).toBeGreaterThan(0);
    expect(second.processCount).toBeGreaterThan(0);
    expect(second.filesystems.some((f) => f.mount === '/')).toBe(true);

    const inventory = await collector.inventory();
    expectValid(Inventory, inventory);
    expect(inventory.os.platform).toBe('linux');
    expect(inventory.cpu.threads).toBeGreaterThan(0);
    expect(inventory.agentVersion).toBe('0.1.0');
    // The same machine a moment later: unchanged, so it would not be re-sent.
    expect(JSON.stringify(await collector.inventory())).toBe(JSON.stringify(inventory));
  });
});

describe('GenericCollector on this machine', () => {
  it('produces data the protocol accepts', async () => {
    const collector = new GenericCollector('0.1.0');
    expectValid(MetricSample, await collector.sample());
    expectValid(Inventory, await collector.inventory());
  });
});
