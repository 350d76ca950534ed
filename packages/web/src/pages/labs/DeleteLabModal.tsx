import type { Lab } from '@labmgr/protocol';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useDeleteLab } from '../../api/labs.js';
import { notifySuccess } from '../../components/notify.js';

export interface DeleteLabModalProps {
  lab: Lab | null;
  /** Computers in the lab now (the live fleet's count, which may be newer than the lab's). */
  computerCount: number;
  onClose: () => void;
  onDeleted?: () => void;
}

/** Confirms deleting a lab, saying what becomes of its computers. */
export function DeleteLabModal({ lab, computerCount, onClose, onDeleted }: DeleteLabModalProps) {
  const remove = useDeleteLab();
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={lab !== null} onClose={close} title={lab ? `Delete ${lab.name}?` : ''} centered>
      {lab && (
        <Stack gap="md">
          <Text size="sm">
            {computerCount === 0
              ? 'The lab has no computers. Its seat plan is removed.'
              : `Its ${computerCount === 1 ? 'computer stays' : `${computerCount} computers stay`} enrolled and keep reporting, but ${computerCount === 1 ? 'is' : 'are'} no longer in any lab and ${computerCount === 1 ? 'loses its seat' : 'lose their seats'}. You can place ${computerCount === 1 ? 'it' : 'them'} in another lab afterwards.`}
          </Text>
          <Text size="sm" c="dimmed">
            This cannot be undone: the seat plan is gone for good.
          </Text>
          {remove.error && (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Not deleted">
              {remove.error.message}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() =>
                remove.mutate(lab.id, {
                  onSuccess: () => {
                    notifySuccess(
                      computerCount === 0
                        ? `${lab.name} deleted.`
                        : `${lab.name} deleted; ${computerCount} ${computerCount === 1 ? 'computer is' : 'computers are'} now in no lab.`,
                    );
                    close();
                    onDeleted?.();
                  },
                })
              }
            >
              Delete lab
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
