import { type CommandCreate, type Inventory, MacAddress } from '@labmgr/protocol';
import type { ComputerRepository, ComputerRow } from '../computers/computer.repository.js';

/** What one wake-on-LAN run sends: the target's MAC addresses, to this address. */
export interface WakePlan {
  macs: string[];
  broadcast: string;
}

/** Who carries a run out: the computer itself, another one (wake-on-LAN), or nobody (`why`). */
export type RunPlan =
  | { target: ComputerRow; executor: ComputerRow; wake: WakePlan | null; why: null }
  | { target: ComputerRow; executor: null; wake: null; why: string };

type WakeBody = Extract<CommandCreate, { kind: 'wake' }>;

/** An IPv4 network: address bits and mask as unsigned 32-bit numbers. */
interface Net {
  network: number;
  mask: number;
}

/**
 * Picks, for each computer to wake, an online computer on the same IPv4
 * subnet (by the inventories' `ipv4Cidr`; a /24 when an older agent reported
 * bare addresses) to send its magic packets to the subnet's broadcast address,
 * spreading the work over the candidates. `via` and `broadcast` override.
 */
export async function planWake(
  targets: readonly ComputerRow[],
  body: WakeBody,
  computers: ComputerRepository,
): Promise<RunPlan[]> {
  // With `via` there is nothing to pick: the online fleet and its inventories are not needed.
  const online = body.via
    ? []
    : (await computers.list({ status: 'online', sort: 'hostname', order: 'asc', limit: 100_000, offset: 0 }))
        .rows;
  const via = body.via ? await computers.findById(body.via) : undefined;
  const inventories = await computers.findInventories([
    ...new Set([...targets, ...online, ...(via ? [via] : [])].map((c) => c.id)),
  ]);
  const netsOf = (id: string) => networksOf(parseInventory(inventories.get(id)));
  const candidates = online.map((c) => ({ computer: c, nets: netsOf(c.id), used: 0 }));

  return targets.map((target): RunPlan => {
    const inventory = parseInventory(inventories.get(target.id));
    const macs = macsOf(inventory);
    if (macs.length === 0) {
      return {
        target,
        executor: null,
        wake: null,
        why: 'no MAC address known for this computer (no inventory yet)',
      };
    }
    const targetNets = networksOf(inventory);
    if (body.via) {
      if (!via || via.retired)
        return { target, executor: null, wake: null, why: `sender ${body.via} is not a known computer` };
      const viaNets = netsOf(via.id);
      const shared = targetNets.find((n) => viaNets.some((m) => sameNet(n, m)));
      const broadcast = body.broadcast ?? (shared ? broadcastOf(shared) : '255.255.255.255');
      return { target, executor: via, wake: { macs, broadcast }, why: null };
    }
    const fit = candidates
      .filter((c) => c.computer.id !== target.id)
      .map((c) => ({ c, net: targetNets.find((n) => c.nets.some((m) => sameNet(n, m))) }))
      .filter((x): x is { c: (typeof candidates)[number]; net: Net } => x.net !== undefined)
      .sort((a, b) => a.c.used - b.c.used)[0];
    if (!fit) {
      return {
        target,
        executor: null,
        wake: null,
        why: 'no online computer on its network to send the magic packet (give one with "via")',
      };
    }
    fit.c.used += 1;
    return {
      target,
      executor: fit.c.computer,
      wake: { macs, broadcast: body.broadcast ?? broadcastOf(fit.net) },
      why: null,
    };
  });
}

function parseInventory(json: string | undefined): Inventory | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as Inventory;
  } catch {
    return null;
  }
}

/** The distinct, real MAC addresses of a computer's interfaces. */
export function macsOf(inventory: Inventory | null): string[] {
  const macs = (inventory?.network ?? [])
    .map((n) => n.mac?.toLowerCase() ?? '')
    .filter((m) => MacAddress.safeParse(m).success && m !== '00:00:00:00:00:00');
  return [...new Set(macs)].slice(0, 64);
}

/** Every IPv4 network a computer is on, from `ipv4Cidr` (or its bare addresses as /24). */
export function networksOf(inventory: Inventory | null): Net[] {
  const nets: Net[] = [];
  for (const n of inventory?.network ?? []) {
    const cidrs = n.ipv4Cidr && n.ipv4Cidr.length > 0 ? n.ipv4Cidr : n.ipv4.map((a) => `${a}/24`);
    for (const cidr of cidrs) {
      const net = parseCidr(cidr);
      // Loopback and link-local are no one's shared network.
      if (net && net.network >>> 24 !== 127 && net.network >>> 16 !== 0xa9fe) nets.push(net);
    }
  }
  return nets;
}

export function parseCidr(cidr: string): Net | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32 || prefix < 8) return null;
  const address = octets.reduce((acc, o) => ((acc << 8) | o) >>> 0, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (address & mask) >>> 0, mask };
}

function sameNet(a: Net, b: Net): boolean {
  return a.mask === b.mask && a.network === b.network;
}

/** The directed broadcast address of a network, dotted. */
export function broadcastOf(net: Net): string {
  const b = (net.network | (~net.mask >>> 0)) >>> 0;
  return [b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.');
}
