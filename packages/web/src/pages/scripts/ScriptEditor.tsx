import type { Script } from '@labmgr/protocol';
import { Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useCreateScript, useUpdateScript } from '../../api/scripts.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { isShell, SHELL_OPTIONS } from '../../features/actions/ShellFields.js';
import { ParametersEditor } from './ParametersEditor.js';
import {
  EMPTY_SCRIPT,
  hasErrors,
  type ScriptForm,
  scriptCreate,
  scriptFormErrors,
  scriptToForm,
  scriptUpdate,
  TARGET_OS_LABEL,
  type TargetOs,
} from './script-form.js';

const OS_OPTIONS = (Object.keys(TARGET_OS_LABEL) as TargetOs[]).map((v) => ({
  value: v,
  label: TARGET_OS_LABEL[v],
}));
const isOs = (v: string | null): v is TargetOs => v !== null && v in TARGET_OS_LABEL;

export interface ScriptEditorProps {
  /** Open for a new script (`'new'`), an existing one, or closed (null). */
  script: Script | 'new' | null;
  readOnly: boolean;
  onClose: () => void;
}

export function ScriptEditor({ script, readOnly, onClose }: ScriptEditorProps) {
  const title =
    script === 'new' ? 'New script' : readOnly ? (script?.name ?? '') : `Edit ${script?.name ?? ''}`;
  return (
    <Modal opened={script !== null} onClose={onClose} title={<Text fw={650}>{title}</Text>} size="xl">
      {script !== null && (
        <EditorForm
          key={script === 'new' ? 'new' : script.id}
          script={script}
          readOnly={readOnly}
          onDone={onClose}
        />
      )}
    </Modal>
  );
}

function EditorForm({
  script,
  readOnly,
  onDone,
}: {
  script: Script | 'new';
  readOnly: boolean;
  onDone: () => void;
}) {
  const [form, setForm] = useState<ScriptForm>(() =>
    script === 'new' ? EMPTY_SCRIPT : scriptToForm(script),
  );
  const [tried, setTried] = useState(false);
  const create = useCreateScript();
  const update = useUpdateScript();
  const errors = tried ? scriptFormErrors(form) : {};
  const set = (patch: Partial<ScriptForm>) => setForm((f) => ({ ...f, ...patch }));

  const save = () => {
    setTried(true);
    if (hasErrors(scriptFormErrors(form))) return;
    if (script === 'new') {
      create.mutate(scriptCreate(form), {
        onSuccess: (s) => {
          notifySuccess(`“${s.name}” is in the library.`, 'Script saved');
          onDone();
        },
        onError: (error) => notifyError(error, 'Could not save the script'),
      });
      return;
    }
    const body = scriptUpdate(form, script);
    if (Object.keys(body).length === 0) {
      onDone();
      return;
    }
    update.mutate(
      { id: script.id, body },
      {
        onSuccess: (s) => {
          notifySuccess(
            s.version > script.version
              ? `Saved as version ${s.version}.`
              : 'Saved (same version: what runs is unchanged).',
            `“${s.name}” saved`,
          );
          onDone();
        },
        onError: (error) => notifyError(error, 'Could not save the script'),
      },
    );
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!readOnly) save();
      }}
    >
      <Stack gap="md">
        <Group grow align="flex-start">
          <TextInput
            label="Name"
            placeholder="Empty the downloads folder"
            withAsterisk={!readOnly}
            readOnly={readOnly}
            data-autofocus
            maxLength={120}
            value={form.name}
            error={errors.name}
            onChange={(e) => set({ name: e.currentTarget.value })}
          />
          <Select
            label="Target OS"
            data={OS_OPTIONS}
            allowDeselect={false}
            readOnly={readOnly}
            value={form.targetOs}
            onChange={(v) => {
              if (isOs(v)) set({ targetOs: v, shell: v === 'windows' ? 'powershell' : form.shell });
            }}
          />
          <Select
            label="Shell"
            data={SHELL_OPTIONS}
            allowDeselect={false}
            readOnly={readOnly}
            value={form.shell}
            onChange={(v) => {
              if (isShell(v)) set({ shell: v });
            }}
          />
        </Group>
        <Textarea
          label="Description"
          placeholder="What it does and when to use it"
          autosize
          minRows={1}
          maxRows={4}
          maxLength={2000}
          readOnly={readOnly}
          value={form.description}
          onChange={(e) => set({ description: e.currentTarget.value })}
        />
        <Textarea
          label="Script"
          withAsterisk={!readOnly}
          placeholder={'find "$HOME/Downloads" -mindepth 1 -delete'}
          autosize
          minRows={8}
          maxRows={20}
          readOnly={readOnly}
          spellCheck={false}
          autoComplete="off"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          value={form.body}
          error={errors.body}
          onChange={(e) => set({ body: e.currentTarget.value })}
        />
        <ParametersEditor
          value={form.parameters}
          onChange={(parameters) => set({ parameters })}
          errors={errors.params}
          readOnly={readOnly}
        />
        <Group justify="space-between" gap="sm">
          <Text size="xs" c="dimmed">
            {script !== 'new' && !readOnly && 'Changing the shell, script or parameters saves a new version.'}
          </Text>
          <Group gap="sm">
            <Button variant="default" onClick={onDone}>
              {readOnly ? 'Close' : 'Cancel'}
            </Button>
            {!readOnly && (
              <Button type="submit" loading={create.isPending || update.isPending}>
                {script === 'new' ? 'Create script' : 'Save'}
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
