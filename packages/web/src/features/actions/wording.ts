import type { ComputerSummary, PowerAction } from '@labmgr/protocol';
import type { ActionDraft } from './drafts.js';
import type { ActionKind, ActionTarget } from './types.js';

export const KIND_LABEL: Record<ActionKind, string> = {
  shell: 'Shell command',
  script: 'Script',
  power: 'Power',
  message: 'Message',
  wake: 'Wake-on-LAN',
};

export const POWER_LABEL: Record<PowerAction, string> = {
  reboot: 'Reboot',
  shutdown: 'Shut down',
  logoff: 'Log off',
  lock: 'Lock',
};

export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A computer's name for people: the name an administrator gave it, else its hostname. */
export const computerName = (c: Pick<ComputerSummary, 'displayName' | 'hostname'>): string =>
  c.displayName ?? c.hostname;

/**
 * How many computers a target names, by the fleet list (the server resolves
 * the same selectors when the command is created); null while the list is unknown.
 */
export function countTargets(
  target: ActionTarget,
  fleet: readonly ComputerSummary[] | undefined,
): number | null {
  if (target.type === 'computers') return target.computers.length;
  if (!fleet) return null;
  switch (target.type) {
    case 'lab':
      return fleet.filter((c) => c.labId === target.labId).length;
    case 'tag':
      return fleet.filter((c) => c.tags.includes(target.tag)).length;
    case 'allOnline':
      return fleet.filter((c) => c.status === 'online').length;
  }
}

/**
 * The target in words, as the object of a sentence: "pc-07", "3 computers",
 * "24 computers in Room 101", "12 computers tagged gpu", "all 40 online computers".
 */
export function targetPhrase(target: ActionTarget, count: number | null): string {
  switch (target.type) {
    case 'computers':
      return target.computers.length === 1 && target.computers[0]
        ? target.computers[0].name
        : plural(target.computers.length, 'computer');
    case 'lab':
      return count === null
        ? `the computers in ${target.name}`
        : `${plural(count, 'computer')} in ${target.name}`;
    case 'tag':
      return count === null
        ? `the computers tagged ${target.tag}`
        : `${plural(count, 'computer')} tagged ${target.tag}`;
    case 'allOnline':
      return count === null ? 'every online computer' : `all ${plural(count, 'online computer')}`;
  }
}

/** Power actions change what people at the computers are doing; anything on many computers is big. */
export function needsConfirmation(draft: ActionDraft, count: number | null): boolean {
  return draft.kind === 'power' || count === null || count > 1;
}

/** "Shut down 24 computers in Room 101?" */
export function confirmQuestion(draft: ActionDraft, phrase: string, scriptName?: string): string {
  switch (draft.kind) {
    case 'shell':
      return `Run this command on ${phrase}?`;
    case 'script':
      return `Run “${scriptName ?? 'this script'}” on ${phrase}?`;
    case 'power':
      return draft.action === 'logoff'
        ? `Log off the users of ${phrase}?`
        : `${POWER_LABEL[draft.action]} ${phrase}?`;
    case 'message':
      return `Send this message to ${phrase}?`;
    case 'wake':
      return `Wake ${phrase}?`;
  }
}

/** The confirming button's words: "Shut down 24 computers". */
export function confirmLabel(draft: ActionDraft, count: number | null): string {
  const n = count === null ? 'computers' : plural(count, 'computer');
  switch (draft.kind) {
    case 'shell':
    case 'script':
      return `Run on ${n}`;
    case 'power':
      return draft.action === 'logoff' ? `Log off ${n}` : `${POWER_LABEL[draft.action]} ${n}`;
    case 'message':
      return `Send to ${n}`;
    case 'wake':
      return `Wake ${n}`;
  }
}

/** The button that sends the form when no confirmation is needed. */
export function submitLabel(draft: ActionDraft): string {
  switch (draft.kind) {
    case 'shell':
    case 'script':
      return 'Run';
    case 'power':
      return POWER_LABEL[draft.action];
    case 'message':
      return 'Send message';
    case 'wake':
      return 'Wake';
  }
}

/** The toast's title once the job exists: "Reboot sent to 24 computers". */
export function sentTitle(draft: ActionDraft, runs: number, scriptName?: string): string {
  const what =
    draft.kind === 'power'
      ? POWER_LABEL[draft.action]
      : draft.kind === 'script'
        ? `“${scriptName ?? 'Script'}”`
        : draft.kind === 'shell'
          ? 'Command'
          : draft.kind === 'message'
            ? 'Message'
            : 'Wake-on-LAN';
  return `${what} sent to ${plural(runs, 'computer')}`;
}
