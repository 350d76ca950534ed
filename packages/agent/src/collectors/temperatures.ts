import { join } from 'node:path';
import type { Temperature } from '@labmgr/protocol';
import { capList, clip, clipOrNull } from './limits.js';
import { KeptFile, listDir, readValue, toInt } from './read.js';

/** One sensor file to read each sample, found by `findTemperatureSensors`. */
export interface TemperatureSensor {
  readonly sensor: string;
  readonly label: string | null;
  /** A file holding millidegrees Celsius. */
  readonly path: string;
}

/**
 * The temperature inputs the kernel exposes. hwmon is the primary source
 * (chip `name`, `tempN_input` with an optional `tempN_label`); drivers on
 * kernels before 3.x put the files under `hwmonN/device/`. Only when hwmon has
 * nothing (some ARM boards) are thermal zones used, since most thermal zones
 * also appear in hwmon (`acpitz`) and would be listed twice. Virtual machines
 * usually have neither: the list is then empty.
 */
export function findTemperatureSensors(sysRoot: string): TemperatureSensor[] {
  const sensors: TemperatureSensor[] = [];
  const hwmonRoot = join(sysRoot, 'class', 'hwmon');
  for (const hwmon of sortNatural(listDir(hwmonRoot))) {
    for (const dir of [join(hwmonRoot, hwmon), join(hwmonRoot, hwmon, 'device')]) {
      const inputs = sortNatural(listDir(dir).filter((f) => /^temp\d+_input$/.test(f)));
      if (inputs.length === 0) continue;
      const sensor = readValue(join(dir, 'name')) ?? hwmon;
      for (const input of inputs) {
        const label = readValue(join(dir, input.replace('_input', '_label')));
        sensors.push({ sensor, label, path: join(dir, input) });
      }
      break;
    }
  }
  if (sensors.length > 0) return sensors;
  const thermalRoot = join(sysRoot, 'class', 'thermal');
  for (const zone of sortNatural(listDir(thermalRoot).filter((z) => z.startsWith('thermal_zone')))) {
    const dir = join(thermalRoot, zone);
    sensors.push({ sensor: readValue(join(dir, 'type')) ?? zone, label: null, path: join(dir, 'temp') });
  }
  return sensors;
}

/**
 * `hwmon10` after `hwmon9`, `temp10_input` after `temp2_input`. Digit runs
 * compare as numbers; not `localeCompare`, whose first use loads ICU's
 * collation data (~8 MiB of the agent's memory for the rest of its life).
 */
export function sortNatural(names: string[]): string[] {
  const key = (name: string) => name.split(/(\d+)/).map((part, i) => (i % 2 === 1 ? Number(part) : part));
  return names
    .map((name) => ({ name, parts: key(name) }))
    .sort((a, b) => compareParts(a.parts, b.parts))
    .map((entry) => entry.name);
}

function compareParts(a: Array<string | number>, b: Array<string | number>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Reads each sensor. A sensor that fails (EIO/ENODATA from a sleeping chip)
 * or reports nonsense outside −100…300 °C (a disconnected probe reads −128 or
 * 255.5 on some chips) is left out of this sample.
 */
export function readTemperatures(
  sensors: readonly TemperatureSensor[],
  read: (sensor: TemperatureSensor) => string | null = (s) => readValue(s.path),
): Temperature[] {
  const out: Temperature[] = [];
  for (const s of sensors) {
    const milli = toInt(read(s)?.trim());
    if (milli === null) continue;
    const celsius = milli / 1000;
    if (celsius < -100 || celsius > 300) continue;
    out.push({ sensor: clip(s.sensor, 128), label: clipOrNull(s.label, 128), celsius });
  }
  return capList(out, 256);
}

/** How often the sensor list is rebuilt: sensors come and go only with drivers and hot-plug. */
export const SENSOR_RESCAN_MS = 10 * 60_000;

/** Keeps the sensor list, and each value file open, between samples: a sample costs one pread per sensor. */
export class TemperatureReader {
  private sensors: TemperatureSensor[] = [];
  private files = new Map<TemperatureSensor, KeptFile>();
  private scannedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sysRoot: string,
    private readonly rescanMs = SENSOR_RESCAN_MS,
  ) {}

  read(now: number): Temperature[] {
    if (now - this.scannedAt >= this.rescanMs) {
      for (const file of this.files.values()) file.close();
      this.sensors = findTemperatureSensors(this.sysRoot);
      this.files = new Map(this.sensors.map((s) => [s, new KeptFile(s.path, 'single')]));
      this.scannedAt = now;
    }
    return readTemperatures(this.sensors, (s) => this.files.get(s)?.read() ?? null);
  }
}
