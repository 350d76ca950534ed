import type { CommandCreate, PowerAction, Script } from '@labmgr/protocol';

/** What an action does: the command kinds a person starts from the UI (all but `exec`, an API-only kind). */
export type ActionKind = Exclude<CommandCreate['kind'], 'exec'>;

/** A computer as a target: its id, and its name for people (display name or hostname). */
export interface TargetComputer {
  id: string;
  name: string;
}

/** Which computers an action runs on. */
export type ActionTarget =
  | { type: 'computers'; computers: readonly TargetComputer[] }
  | { type: 'lab'; labId: string; name: string }
  | { type: 'tag'; tag: string }
  | { type: 'allOnline' };

/** What to open the action dialog with. */
export interface ActionRequest {
  /** The action preselected. @default 'shell' */
  kind?: ActionKind;
  /** Omitted: the dialog asks for a target first (computers, a lab, a tag or all online). */
  target?: ActionTarget;
  /** For `power`: the action preselected. @default 'reboot' */
  power?: PowerAction;
  /** For `script`: the library script preselected. */
  scriptId?: string;
}

/** The shells a command or script may run in (the protocol's list). */
export type Shell = Script['shell'];
