import { Group, NumberInput, Select, Textarea, TextInput } from '@mantine/core';
import type { ShellDraft } from './drafts.js';
import type { Shell } from './types.js';

export const SHELL_OPTIONS: { value: Shell; label: string }[] = [
  { value: 'sh', label: 'sh (Linux, macOS)' },
  { value: 'bash', label: 'bash (Linux, macOS)' },
  { value: 'powershell', label: 'PowerShell (Windows)' },
  { value: 'cmd', label: 'cmd (Windows)' },
];

export const isShell = (value: string | null): value is Shell =>
  value === 'sh' || value === 'bash' || value === 'powershell' || value === 'cmd';

/** Timeout and run-as, shared by shell commands and scripts. */
export function RunOptions({
  timeoutSec,
  runAs,
  onTimeout,
  onRunAs,
}: {
  timeoutSec: number;
  runAs: string;
  onTimeout: (value: number) => void;
  onRunAs: (value: string) => void;
}) {
  return (
    <Group grow align="flex-start">
      <NumberInput
        label="Timeout"
        description="Stopped after this long"
        suffix=" s"
        min={1}
        max={86_400}
        allowDecimal={false}
        value={timeoutSec}
        onChange={(v) => onTimeout(typeof v === 'number' ? v : Number.parseInt(v, 10) || 0)}
      />
      <TextInput
        label="Run as"
        description="Optional; Linux and macOS"
        placeholder="Local account, e.g. student"
        spellCheck={false}
        autoComplete="off"
        value={runAs}
        onChange={(e) => onRunAs(e.currentTarget.value)}
      />
    </Group>
  );
}

export function ShellFields({ draft, onChange }: { draft: ShellDraft; onChange: (d: ShellDraft) => void }) {
  return (
    <>
      <Select
        label="Shell"
        data={SHELL_OPTIONS}
        value={draft.shell}
        allowDeselect={false}
        onChange={(v) => {
          if (isShell(v)) onChange({ ...draft, shell: v });
        }}
      />
      <Textarea
        label="Command"
        placeholder={draft.shell === 'powershell' ? 'Get-Service spooler' : 'df -h /'}
        autosize
        minRows={3}
        maxRows={12}
        data-autofocus
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        value={draft.command}
        onChange={(e) => onChange({ ...draft, command: e.currentTarget.value })}
      />
      <RunOptions
        timeoutSec={draft.timeoutSec}
        runAs={draft.runAs}
        onTimeout={(timeoutSec) => onChange({ ...draft, timeoutSec })}
        onRunAs={(runAs) => onChange({ ...draft, runAs })}
      />
    </>
  );
}
