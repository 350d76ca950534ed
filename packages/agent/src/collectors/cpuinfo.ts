export interface CpuinfoSummary {
  /** `model name` (x86, most ARM), else `Hardware`/`Processor`; null if none. */
  readonly model: string | null;
  /** Physical cores: distinct (physical id, core id) pairs, else the thread count. */
  readonly cores: number;
  /** Logical processors (`processor` entries). */
  readonly threads: number;
  /** The rated speed printed in Intel model names ("… @ 3.10GHz"), in MHz. */
  readonly modelMhz: number | null;
}

/** Parses /proc/cpuinfo: blank-line separated blocks of `key : value`, one per logical CPU. */
export function parseCpuinfo(text: string): CpuinfoSummary {
  let model: string | null = null;
  let fallbackModel: string | null = null;
  let threads = 0;
  const coreIds = new Set<string>();
  let physicalId = '';
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') {
      threads += 1;
      physicalId = '';
    } else if (key === 'model name' && model === null && value) model = value;
    else if ((key === 'Hardware' || key === 'Processor') && fallbackModel === null && value)
      fallbackModel = value;
    else if (key === 'physical id') physicalId = value;
    else if (key === 'core id') coreIds.add(`${physicalId}:${value}`);
  }
  const name = model ?? fallbackModel;
  return {
    model: name,
    cores: coreIds.size > 0 ? coreIds.size : threads,
    threads,
    modelMhz: mhzFromModel(name),
  };
}

function mhzFromModel(model: string | null): number | null {
  const match = model ? /@\s*([\d.]+)\s*GHz/i.exec(model) : null;
  const ghz = match?.[1] ? Number(match[1]) : Number.NaN;
  return Number.isFinite(ghz) && ghz > 0 ? Math.round(ghz * 1000) : null;
}
