import type { Collector } from './collector.js';
import { GenericCollector } from './generic.js';
import { LinuxCollector } from './linux.js';

/**
 * The collector for this platform: the /proc-based one on Linux, the
 * `os`-module fallback elsewhere.
 */
export async function createCollector(platform: NodeJS.Platform = process.platform): Promise<Collector> {
  return platform === 'linux' ? LinuxCollector.create() : new GenericCollector();
}
