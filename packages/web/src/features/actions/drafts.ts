import type { CommandCreate, CommandTargets, PowerAction, Script } from '@labmgr/protocol';
import type { ActionKind, ActionTarget, Shell } from './types.js';

/** The agent kills a command after this long unless told otherwise. */
export const DEFAULT_TIMEOUT_SEC = 60;
/** How long a command waits for a reconnecting agent before it expires unstarted. */
export const QUEUE_TTL_SEC = 300;

export interface ShellDraft {
  kind: 'shell';
  command: string;
  shell: Shell;
  timeoutSec: number;
  runAs: string;
}
export interface ScriptDraft {
  kind: 'script';
  scriptId: string | null;
  /** Values typed per parameter name; a missing one takes the parameter's default. */
  params: Record<string, string>;
  timeoutSec: number;
  runAs: string;
}
export interface PowerDraft {
  kind: 'power';
  action: PowerAction;
  delayMin: number;
  message: string;
}
export interface MessageDraft {
  kind: 'message';
  title: string;
  text: string;
}
export interface WakeDraft {
  kind: 'wake';
  port: number;
}

/** The form of one action, as typed so far. */
export type ActionDraft = ShellDraft | ScriptDraft | PowerDraft | MessageDraft | WakeDraft;

export interface DraftDefaults {
  shell?: Shell;
  power?: PowerAction;
  scriptId?: string;
}

/** An empty form for `kind`. */
export function initialDraft(kind: ActionKind, defaults: DraftDefaults = {}): ActionDraft {
  switch (kind) {
    case 'shell':
      return { kind, command: '', shell: defaults.shell ?? 'sh', timeoutSec: DEFAULT_TIMEOUT_SEC, runAs: '' };
    case 'script':
      return {
        kind,
        scriptId: defaults.scriptId ?? null,
        params: {},
        timeoutSec: DEFAULT_TIMEOUT_SEC,
        runAs: '',
      };
    case 'power':
      return { kind, action: defaults.power ?? 'reboot', delayMin: 0, message: '' };
    case 'message':
      return { kind, title: '', text: '' };
    case 'wake':
      return { kind, port: 9 };
  }
}

/** The API's target selector for a target. */
export function commandTargets(target: ActionTarget): CommandTargets {
  switch (target.type) {
    case 'computers':
      return { computerIds: target.computers.map((c) => c.id) };
    case 'lab':
      return { labId: target.labId };
    case 'tag':
      return { tag: target.tag };
    case 'allOnline':
      return { allOnline: true };
  }
}

/** A parameter's value as it will be sent: what was typed, else its default, else empty. */
export function paramValue(script: Script, draft: ScriptDraft, name: string): string {
  const typed = draft.params[name];
  if (typed !== undefined) return typed;
  return script.parameters.find((p) => p.name === name)?.default ?? '';
}

/** Why the form cannot be sent yet, in words for the person filling it; null when it can. */
export function draftProblem(draft: ActionDraft, script: Script | undefined): string | null {
  switch (draft.kind) {
    case 'shell':
      if (draft.command.trim() === '') return 'Type the command to run.';
      return timeoutProblem(draft.timeoutSec);
    case 'script': {
      if (!script) return 'Choose a script from the library.';
      const missing = script.parameters.find((p) => p.required && paramValue(script, draft, p.name) === '');
      if (missing) return `Give a value for ${missing.label ?? missing.name}.`;
      return timeoutProblem(draft.timeoutSec);
    }
    case 'power':
      if (!Number.isInteger(draft.delayMin) || draft.delayMin < 0 || draft.delayMin > 1440)
        return 'The delay is 0 to 1440 minutes.';
      return null;
    case 'message':
      if (draft.title.trim() === '') return 'Give the message a title.';
      if (draft.text.trim() === '') return 'Type the message.';
      return null;
    case 'wake':
      if (!Number.isInteger(draft.port) || draft.port < 1 || draft.port > 65_535)
        return 'The port is 1 to 65535.';
      return null;
  }
}

function timeoutProblem(timeoutSec: number): string | null {
  if (!Number.isInteger(timeoutSec) || timeoutSec < 1 || timeoutSec > 86_400)
    return 'The timeout is 1 to 86400 seconds.';
  return null;
}

const runAsOrNull = (runAs: string): string | null => (runAs.trim() === '' ? null : runAs.trim());

/** The `POST /commands` body for a complete form (check {@link draftProblem} first). */
export function commandCreate(draft: ActionDraft, target: ActionTarget, script?: Script): CommandCreate {
  const base = { targets: commandTargets(target), queueTtlSec: QUEUE_TTL_SEC };
  switch (draft.kind) {
    case 'shell':
      return {
        ...base,
        kind: 'shell',
        command: draft.command,
        shell: draft.shell,
        timeoutSec: draft.timeoutSec,
        runAs: runAsOrNull(draft.runAs),
      };
    case 'script': {
      const params: Record<string, string> = {};
      for (const p of script?.parameters ?? []) {
        if (script) params[p.name] = paramValue(script, draft, p.name);
      }
      return {
        ...base,
        kind: 'script',
        scriptId: draft.scriptId ?? '',
        version: script?.version,
        params,
        timeoutSec: draft.timeoutSec,
        runAs: runAsOrNull(draft.runAs),
      };
    }
    case 'power':
      return {
        ...base,
        kind: 'power',
        action: draft.action,
        delaySec: draft.delayMin * 60,
        message: draft.message.trim() === '' ? null : draft.message.trim(),
        timeoutSec: DEFAULT_TIMEOUT_SEC,
      };
    case 'message':
      return {
        ...base,
        kind: 'message',
        title: draft.title.trim(),
        text: draft.text.trim(),
        timeoutSec: DEFAULT_TIMEOUT_SEC,
      };
    case 'wake':
      return { ...base, kind: 'wake', port: draft.port, timeoutSec: DEFAULT_TIMEOUT_SEC };
  }
}

/** PowerShell when every targeted computer known to run Windows does, else sh. */
export function guessShell(
  target: ActionTarget | null,
  fleet:
    | readonly { id: string; labId: string | null; tags: string[]; osName: string | null; status: string }[]
    | undefined,
): Shell {
  if (!target || !fleet) return 'sh';
  const chosen =
    target.type === 'computers'
      ? (() => {
          const ids = new Set(target.computers.map((c) => c.id));
          return fleet.filter((c) => ids.has(c.id));
        })()
      : fleet.filter((c) =>
          target.type === 'lab'
            ? c.labId === target.labId
            : target.type === 'tag'
              ? c.tags.includes(target.tag)
              : c.status === 'online',
        );
  const known = chosen.filter((c) => c.osName !== null);
  return known.length > 0 && known.every((c) => /windows/i.test(c.osName ?? '')) ? 'powershell' : 'sh';
}
