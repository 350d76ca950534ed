import type { Script } from '@labmgr/protocol';
import { Alert, Code, Select, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { paramValue, type ScriptDraft } from './drafts.js';
import { RunOptions } from './ShellFields.js';

export interface ScriptFieldsProps {
  draft: ScriptDraft;
  onChange: (d: ScriptDraft) => void;
  scripts: readonly Script[] | undefined;
  loading: boolean;
  error: string | null;
}

/** Pick a library script, fill its parameters. */
export function ScriptFields({ draft, onChange, scripts, loading, error }: ScriptFieldsProps) {
  if (loading) return <Skeleton height={60} aria-label="Loading scripts" />;
  if (error !== null) {
    return (
      <Alert color="red" icon={<IconAlertTriangle size={18} />} title="Could not load the scripts">
        {error}
      </Alert>
    );
  }
  if (!scripts || scripts.length === 0) {
    return (
      <Alert color="gray" title="The script library is empty">
        Add a script on the Scripts page first.
      </Alert>
    );
  }
  const script = scripts.find((s) => s.id === draft.scriptId);
  return (
    <>
      <Select
        label="Script"
        placeholder="Choose a script"
        searchable
        data-autofocus
        nothingFoundMessage="No script by that name"
        data={scripts.map((s) => ({ value: s.id, label: s.name }))}
        value={draft.scriptId}
        onChange={(scriptId) => onChange({ ...draft, scriptId, params: {} })}
      />
      {script && (
        <Stack gap={6}>
          {script.description !== '' && (
            <Text size="sm" c="dimmed">
              {script.description}
            </Text>
          )}
          <Text size="xs" c="dimmed">
            Version {script.version} · {script.shell} ·{' '}
            {script.targetOs === 'any' ? 'any OS' : script.targetOs}
          </Text>
        </Stack>
      )}
      {script?.parameters.map((p) => (
        <TextInput
          key={p.name}
          label={p.label ?? p.name}
          description={
            <>
              Sets <Code fz="xs">{p.name}</Code>
              {p.default !== null ? ` · default “${p.default}”` : ''}
            </>
          }
          withAsterisk={p.required}
          spellCheck={false}
          autoComplete="off"
          value={paramValue(script, draft, p.name)}
          onChange={(e) =>
            onChange({ ...draft, params: { ...draft.params, [p.name]: e.currentTarget.value } })
          }
        />
      ))}
      <RunOptions
        timeoutSec={draft.timeoutSec}
        runAs={draft.runAs}
        onTimeout={(timeoutSec) => onChange({ ...draft, timeoutSec })}
        onRunAs={(runAs) => onChange({ ...draft, runAs })}
      />
    </>
  );
}
