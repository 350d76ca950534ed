import { Button, Group } from '@mantine/core';

export interface FormActionsProps {
  submitLabel: string;
  loading: boolean;
  disabled?: boolean;
  onCancel: () => void;
}

/** The foot of an admin form in a modal: "Cancel", then the submit button. */
export function FormActions({ submitLabel, loading, disabled, onCancel }: FormActionsProps) {
  return (
    <Group justify="flex-end" gap="sm" mt="xs">
      <Button variant="default" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" loading={loading} disabled={disabled}>
        {submitLabel}
      </Button>
    </Group>
  );
}

/** Closes a modal that shows a secret once: there is nothing to cancel by then. */
export function DoneAction({ onDone }: { onDone: () => void }) {
  return (
    <Group justify="flex-end">
      <Button onClick={onDone}>Done</Button>
    </Group>
  );
}
