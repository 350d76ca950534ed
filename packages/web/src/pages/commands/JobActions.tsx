import type { CommandDetail } from '@labmgr/protocol';
import { Button, Group, Text } from '@mantine/core';
import { IconPlayerStop, IconRepeat } from '@tabler/icons-react';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { useCancelCommand, useRerunCommand } from '../../api/commands.js';
import { paths } from '../../app/paths.js';
import { canOperate, useRole } from '../../app/use-role.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { isFinal, jobWhat } from './job-model.js';

const plural = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;

/** Re-run and Cancel, each confirmed; operators and admins only. */
export function JobActions({ job }: { job: CommandDetail }) {
  const role = useRole();
  const [, navigate] = useLocation();
  const [asking, setAsking] = useState<'rerun' | 'cancel' | null>(null);
  const rerun = useRerunCommand();
  const cancel = useCancelCommand();
  if (!canOperate(role)) return null;

  const open = job.runs.filter((r) => !isFinal(r.status)).length;
  const computers = plural(job.runs.length, 'computer');

  return (
    <Group gap="sm">
      {job.status === 'running' && open > 0 && (
        <Button
          variant="default"
          color="red"
          leftSection={<IconPlayerStop size={16} />}
          onClick={() => setAsking('cancel')}
        >
          Cancel
        </Button>
      )}
      <Button variant="default" leftSection={<IconRepeat size={16} />} onClick={() => setAsking('rerun')}>
        Re-run
      </Button>
      <ConfirmDialog
        opened={asking === 'rerun'}
        title={`Run this again on ${computers}?`}
        confirmLabel={`Re-run on ${computers}`}
        color="indigo"
        loading={rerun.isPending}
        onClose={() => setAsking(null)}
        onConfirm={() =>
          rerun.mutate(job.id, {
            onSuccess: (next) => {
              setAsking(null);
              notifySuccess(`Sent again to ${plural(next.runs.length, 'computer')}.`, 'Re-run started');
              navigate(paths.command(next.id));
            },
            onError: (error) => notifyError(error, 'Could not re-run'),
          })
        }
      >
        <Text size="sm">
          “{jobWhat(job)}” is sent exactly as before, to the same target (a lab, tag or “all online” is
          resolved again now).
        </Text>
      </ConfirmDialog>
      <ConfirmDialog
        opened={asking === 'cancel'}
        title={`Cancel ${plural(open, 'unfinished run')}?`}
        confirmLabel={`Cancel ${plural(open, 'run')}`}
        loading={cancel.isPending}
        onClose={() => setAsking(null)}
        onConfirm={() =>
          cancel.mutate(job.id, {
            onSuccess: () => {
              setAsking(null);
              notifySuccess(`Asked ${plural(open, 'computer')} to stop.`, 'Cancelling');
            },
            onError: (error) => notifyError(error, 'Could not cancel'),
          })
        }
      >
        <Text size="sm">
          Runs still waiting never start; running ones are stopped by their computer. Finished results are
          kept.
        </Text>
      </ConfirmDialog>
    </Group>
  );
}
