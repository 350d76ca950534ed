import { describe, expect, it } from 'vitest';
import { parseCpuinfo } from './cpuinfo.js';

function x86Block(processor: number, coreId: number): string {
  return `processor	: ${processor}
vendor_id	: GenuineIntel
cpu family	: 6
model		: 165
model name	: Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz
stepping	: 3
cpu MHz		: 4300.012
cache size	: 12288 KB
physical id	: 0
siblings	: 4
core id		: ${coreId}
cpu cores	: 2
flags		: fpu vme de pse tsc msr pae mce cx8
`;
}

// 2 cores with hyper-threading: processors 0/2 share core 0, 1/3 share core 1.
const X86 = [x86Block(0, 0), x86Block(1, 1), x86Block(2, 0), x86Block(3, 1)].join('\n');

// Raspberry Pi 4 (older kernel): no `model name`, no core ids.
const ARM = `processor	: 0
BogoMIPS	: 108.00
Features	: fp asimd evtstrm crc32 cpuid
CPU implementer	: 0x41
CPU part	: 0xd08

processor	: 1
BogoMIPS	: 108.00
CPU part	: 0xd08

Hardware	: BCM2835
Revision	: c03111
Model		: Raspberry Pi 4 Model B Rev 1.1
`;

describe('parseCpuinfo', () => {
  it('counts threads and distinct physical cores and reads the rated speed from the model', () => {
    expect(parseCpuinfo(X86)).toEqual({
      model: 'Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz',
      cores: 2,
      threads: 4,
      modelMhz: 3100,
    });
  });

  it('falls back to Hardware for the model and to threads for cores', () => {
    expect(parseCpuinfo(ARM)).toEqual({ model: 'BCM2835', cores: 2, threads: 2, modelMhz: null });
  });

  it('counts cores per socket on a two-socket machine', () => {
    const twoSockets = [x86Block(0, 0), x86Block(1, 0).replace('physical id\t: 0', 'physical id\t: 1')].join(
      '\n',
    );
    expect(parseCpuinfo(twoSockets)).toMatchObject({ cores: 2, threads: 2 });
  });

  it('returns nothing useful, but no error, for an empty file', () => {
    expect(parseCpuinfo('')).toEqual({ model: null, cores: 0, threads: 0, modelMhz: null });
  });
});
