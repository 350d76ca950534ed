import { lookup, lookupService } from 'node:dns/promises';

/**
 * Best-effort fully qualified name, like `hostname -f`: resolve the host name
 * to an address, then ask the resolver (/etc/hosts, DNS) for that address's
 * canonical name. `null` when no dotted name comes back or the resolver is
 * slow; a lab PC without DNS must not delay its inventory.
 */
export async function resolveFqdn(hostname: string, timeoutMs = 2000): Promise<string | null> {
  if (hostname.includes('.')) return hostname;
  try {
    const { address } = await withTimeout(lookup(hostname), timeoutMs);
    const { hostname: name } = await withTimeout(lookupService(address, 0), timeoutMs);
    return name.includes('.') && name.length <= 253 ? name : null;
  } catch {
    return null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
