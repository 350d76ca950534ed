import type { NetworkInterfaceInfo } from '@labmgr/protocol';

/**
 * A CPU clock in MHz as people quote it.
 * @example formatCpuSpeed(3100) // "3.10 GHz"
 * @example formatCpuSpeed(800) // "800 MHz"
 */
export function formatCpuSpeed(mhz: number): string {
  return mhz >= 1000 ? `${(mhz / 1000).toFixed(2)} GHz` : `${Math.round(mhz)} MHz`;
}

/**
 * A link speed in Mbit/s, in the unit network gear uses.
 * @example formatLinkSpeed(1000) // "1 Gbit/s"
 * @example formatLinkSpeed(2500) // "2.5 Gbit/s"
 */
export function formatLinkSpeed(mbps: number): string {
  if (mbps >= 1000) return `${Number((mbps / 1000).toFixed(1))} Gbit/s`;
  return `${Math.round(mbps)} Mbit/s`;
}

/** IPv4 addresses with their prefix where the agent reported one (`10.0.0.21/24`). */
export function ipv4WithPrefixes(n: Pick<NetworkInterfaceInfo, 'ipv4' | 'ipv4Cidr'>): string[] {
  if (!n.ipv4Cidr || n.ipv4Cidr.length === 0) return [...n.ipv4];
  const withPrefix = new Map(n.ipv4Cidr.map((c) => [c.split('/')[0] ?? c, c]));
  const listed = n.ipv4.map((a) => withPrefix.get(a) ?? a);
  // A CIDR entry whose address is not in the plain list still belongs to the interface.
  for (const c of n.ipv4Cidr) if (!listed.includes(c)) listed.push(c);
  return listed;
}
