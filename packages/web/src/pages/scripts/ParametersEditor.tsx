import { ActionIcon, Button, Checkbox, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { newParamKey, type ParamForm } from './script-form.js';

export interface ParametersEditorProps {
  value: ParamForm[];
  onChange: (params: ParamForm[]) => void;
  errors?: Record<string, string>;
  readOnly: boolean;
}

/** The script's parameters: each becomes a shell variable set before the body runs. */
export function ParametersEditor({ value, onChange, errors = {}, readOnly }: ParametersEditorProps) {
  const update = (key: string, patch: Partial<ParamForm>) =>
    onChange(value.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <div>
          <Text size="sm" fw="var(--mantine-font-weight-medium)">
            Parameters
          </Text>
          <Text size="xs" c="dimmed">
            Each is set as a shell variable of its name before the script runs; values are quoted, never
            spliced.
          </Text>
        </div>
        {!readOnly && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconPlus size={14} />}
            onClick={() =>
              onChange([...value, { key: newParamKey(), name: '', label: '', default: '', required: false }])
            }
            disabled={value.length >= 32}
          >
            Add parameter
          </Button>
        )}
      </Group>
      {value.length === 0 && (
        <Text size="sm" c="dimmed" fs="italic">
          No parameters.
        </Text>
      )}
      {value.map((p, i) => (
        <Group key={p.key} gap="xs" align="flex-start" wrap="nowrap" data-param={p.name}>
          <TextInput
            label={i === 0 ? 'Variable' : undefined}
            aria-label={`Parameter ${i + 1} variable name`}
            placeholder="DIR"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            w={150}
            readOnly={readOnly}
            spellCheck={false}
            autoComplete="off"
            value={p.name}
            error={errors[p.key]}
            onChange={(e) => update(p.key, { name: e.currentTarget.value })}
          />
          <TextInput
            label={i === 0 ? 'Label' : undefined}
            aria-label={`Parameter ${i + 1} label`}
            placeholder="Folder to empty"
            style={{ flex: 1 }}
            readOnly={readOnly}
            value={p.label}
            onChange={(e) => update(p.key, { label: e.currentTarget.value })}
          />
          <TextInput
            label={i === 0 ? 'Default' : undefined}
            aria-label={`Parameter ${i + 1} default`}
            placeholder="none"
            style={{ flex: 1 }}
            readOnly={readOnly}
            spellCheck={false}
            value={p.default}
            onChange={(e) => update(p.key, { default: e.currentTarget.value })}
          />
          <Checkbox
            label="Required"
            mt={i === 0 ? 32 : 8}
            disabled={readOnly}
            checked={p.required}
            onChange={(e) => update(p.key, { required: e.currentTarget.checked })}
          />
          {!readOnly && (
            <ActionIcon
              variant="subtle"
              color="red"
              mt={i === 0 ? 26 : 2}
              aria-label={`Remove parameter ${p.name || i + 1}`}
              onClick={() => onChange(value.filter((q) => q.key !== p.key))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>
      ))}
    </Stack>
  );
}
