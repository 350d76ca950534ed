import type { ComputerList, ComputerSummary, LatestMetrics, LiveEvent } from '@labmgr/protocol';

/**
 * Folds live events into the cached computer list. Pure: returns the same
 * list object when nothing changed, and keeps every untouched computer object
 * as is, so memoised table rows re-render only for computers that changed.
 * Returns undefined while no list has been loaded yet (the refetch on
 * connect brings it).
 */
export function applyLiveEvents(
  list: ComputerList | undefined,
  events: readonly LiveEvent[],
): ComputerList | undefined {
  if (!list) return list;
  let items: ComputerSummary[] | undefined;
  let index: Map<string, number> | undefined;
  let added = 0;

  const positionOf = (id: string): number | undefined => {
    index ??= new Map(list.items.map((c, i) => [c.id, i]));
    return index.get(id);
  };
  const writable = (): ComputerSummary[] => {
    items ??= list.items.slice();
    return items;
  };

  for (const event of events) {
    switch (event.type) {
      case 'hello':
        break;
      case 'computer.upsert': {
        const at = positionOf(event.computer.id);
        const target = writable();
        if (at === undefined) {
          index?.set(event.computer.id, target.length);
          target.push(event.computer);
          added++;
        } else {
          target[at] = event.computer;
        }
        break;
      }
      case 'computer.metrics': {
        const at = positionOf(event.computerId);
        if (at === undefined) break;
        const current = (items ?? list.items)[at];
        if (!current || !isNewer(event.metrics, current.metrics)) break;
        writable()[at] = withMetrics(current, event.metrics);
        break;
      }
    }
  }

  if (!items) return list;
  return { items, total: list.total + added };
}

/** A sample older than the one shown (e.g. replayed after a resync) must not roll the figures back. */
function isNewer(next: LatestMetrics, current: LatestMetrics | null): boolean {
  if (!current) return true;
  return Date.parse(next.at) >= Date.parse(current.at);
}

function withMetrics(computer: ComputerSummary, metrics: LatestMetrics): ComputerSummary {
  const seen = computer.lastSeenAt;
  const lastSeenAt = seen === null || Date.parse(metrics.at) > Date.parse(seen) ? metrics.at : seen;
  return { ...computer, metrics, lastSeenAt };
}
