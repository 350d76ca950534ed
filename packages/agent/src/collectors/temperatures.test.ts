import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findTemperatureSensors, sortNatural, TemperatureReader } from './temperatures.js';

let sys: string;
beforeEach(async () => {
  sys = await mkdtemp(join(tmpdir(), 'labmgr-agent-temp-'));
});
afterEach(async () => {
  await rm(sys, { recursive: true, force: true });
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(dirname(join(sys, path)), { recursive: true });
  await writeFile(join(sys, path), content);
}

describe('temperatures', () => {
  it('reads hwmon chips with labels, in natural order, skipping failed and absurd readings', async () => {
    await put('class/hwmon/hwmon0/name', 'acpitz\n');
    await put('class/hwmon/hwmon0/temp1_input', '27800\n');
    await put('class/hwmon/hwmon2/name', 'coretemp\n');
    await put('class/hwmon/hwmon2/temp1_label', 'Package id 0\n');
    await put('class/hwmon/hwmon2/temp1_input', '45000\n');
    await put('class/hwmon/hwmon2/temp10_input', '43500\n');
    await put('class/hwmon/hwmon2/temp2_label', 'Core 0\n');
    await put('class/hwmon/hwmon2/temp2_input', '44000\n');
    await put('class/hwmon/hwmon2/temp3_input', '-128000\n'); // disconnected probe
    await put('class/hwmon/hwmon10/name', 'nvme\n');
    await put('class/hwmon/hwmon10/temp1_label', 'Composite\n');
    await put('class/hwmon/hwmon10/temp1_input', ''); // drive asleep: read fails or is empty
    // An old kernel: the files live under device/.
    await put('class/hwmon/hwmon3/device/name', 'it8728\n');
    await put('class/hwmon/hwmon3/device/temp1_input', '38000\n');
    // Ignored: hwmon has sensors, so thermal zones (usually the same acpitz) are not read.
    await put('class/thermal/thermal_zone0/type', 'acpitz\n');
    await put('class/thermal/thermal_zone0/temp', '27800\n');

    expect(new TemperatureReader(sys).read(0)).toEqual([
      { sensor: 'acpitz', label: null, celsius: 27.8 },
      { sensor: 'coretemp', label: 'Package id 0', celsius: 45 },
      { sensor: 'coretemp', label: 'Core 0', celsius: 44 },
      { sensor: 'coretemp', label: null, celsius: 43.5 },
      { sensor: 'it8728', label: null, celsius: 38 },
    ]);
  });

  it('falls back to thermal zones when there is no hwmon', async () => {
    await put('class/thermal/thermal_zone0/type', 'cpu-thermal\n');
    await put('class/thermal/thermal_zone0/temp', '51540\n');
    await put('class/thermal/cooling_device0/type', 'fan\n');
    expect(new TemperatureReader(sys).read(0)).toEqual([
      { sensor: 'cpu-thermal', label: null, celsius: 51.54 },
    ]);
  });

  it('is empty without sensors (virtual machines)', () => {
    expect(findTemperatureSensors(sys)).toEqual([]);
  });

  it('keeps the sensor list until the rescan interval has passed', async () => {
    const reader = new TemperatureReader(sys, 1000);
    expect(reader.read(0)).toEqual([]);
    await put('class/hwmon/hwmon0/name', 'k10temp\n');
    await put('class/hwmon/hwmon0/temp1_input', '40000\n');
    expect(reader.read(999)).toEqual([]);
    expect(reader.read(1000)).toEqual([{ sensor: 'k10temp', label: null, celsius: 40 }]);
  });
});

describe('sortNatural', () => {
  it('orders digit runs by value', () => {
    expect(sortNatural(['hwmon10', 'hwmon9', 'hwmon1', 'acpitz', 'temp10_input', 'temp2_input'])).toEqual([
      'acpitz',
      'hwmon1',
      'hwmon9',
      'hwmon10',
      'temp2_input',
      'temp10_input',
    ]);
  });
});
