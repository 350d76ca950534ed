import { randomUUID } from 'node:crypto';
import type { AgentAuthResponse } from '@labmgr/protocol';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserActor } from '../auth/access.js';
import { hashSecret, newSecret } from '../auth/secrets.js';
import type { ComputerRepository } from '../computers/computer.repository.js';
import { ApiError, notFound } from '../http/errors.js';
import type { RelayRepository, RelayRow } from './relay.repository.js';

const RELAY_TOKEN_PREFIX = 'lmr_';

export class RelayService {
  constructor(
    private readonly relays: RelayRepository,
    private readonly computers: ComputerRepository,
    private readonly audit: AuditRepository,
  ) {}

  /** Revokes a relay's service token: every call it makes fails from now on (401). Audited once. */
  async revoke(id: string, actor: UserActor): Promise<void> {
    const relay = await this.relays.findById(id);
    if (!relay) throw notFound('relay');
    if (!(await this.relays.revoke(id, Date.now()))) return;
    await this.audit.record({
      actor_type: 'user',
      actor_id: actor.user.id,
      action: 'relay.revoke',
      target_type: 'relay',
      target_id: id,
      ip: actor.ip,
      details: { name: relay.name },
    });
  }

  /** Registers a relay and returns its service token (shown once, stored hashed). */
  async create(
    name: string,
    actor: { type: 'user' | 'system'; id: string | null; ip?: string },
  ): Promise<{ relay: RelayRow; token: string }> {
    const holder = await this.relays.findByName(name);
    if (holder) {
      const why = holder.revoked_at === null ? '' : ' (revoked relays keep their name: choose another)';
      throw new ApiError(409, 'conflict', `a relay named "${name}" exists${why}`);
    }
    const token = `${RELAY_TOKEN_PREFIX}${newSecret()}`;
    const relay: RelayRow = {
      id: randomUUID(),
      name,
      token_hash: hashSecret(token),
      created_at: Date.now(),
      last_seen_at: null,
      announced_id: null,
      control_url: null,
      control_token: null,
      version: null,
      registered_at: null,
      connected_agents: 0,
      revoked_at: null,
    };
    await this.relays.insert(relay);
    await this.audit.record({
      actor_type: actor.type,
      actor_id: actor.id,
      action: 'relay.create',
      target_type: 'relay',
      target_id: relay.id,
      ip: actor.ip ?? null,
      details: { name },
    });
    return { relay, token };
  }

  /** Answers a relay asking whether an agent's credential is good. */
  async checkAgent(relay: RelayRow, credential: string): Promise<AgentAuthResponse> {
    const computer = await this.computers.findActiveByCredentialHash(hashSecret(credential));
    await this.relays.touch(relay.id, Date.now());
    if (!computer) throw new ApiError(401, 'unauthorized', 'agent credential unknown or revoked');
    return { computerId: computer.id, hostname: computer.hostname };
  }
}
