import type { PowerAction } from '@labmgr/protocol';
import { NumberInput, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useId } from 'react';
import type { PowerDraft } from './drafts.js';
import { POWER_LABEL } from './wording.js';

const ACTIONS: PowerAction[] = ['reboot', 'shutdown', 'logoff', 'lock'];
const isPowerAction = (v: string): v is PowerAction => (ACTIONS as string[]).includes(v);

export function PowerFields({ draft, onChange }: { draft: PowerDraft; onChange: (d: PowerDraft) => void }) {
  const actionLabelId = useId();
  return (
    <>
      <Stack gap={4}>
        <Text size="sm" fw="var(--mantine-font-weight-medium)" id={actionLabelId}>
          Action
        </Text>
        <SegmentedControl
          aria-labelledby={actionLabelId}
          fullWidth
          data={ACTIONS.map((a) => ({ value: a, label: POWER_LABEL[a] }))}
          value={draft.action}
          onChange={(v) => {
            if (isPowerAction(v)) onChange({ ...draft, action: v });
          }}
        />
      </Stack>
      <NumberInput
        label="Delay"
        description="Time the users get to save their work"
        suffix=" min"
        min={0}
        max={1440}
        allowDecimal={false}
        value={draft.delayMin}
        onChange={(v) =>
          onChange({ ...draft, delayMin: typeof v === 'number' ? v : Number.parseInt(v, 10) || 0 })
        }
      />
      <Textarea
        label="Message to logged-in users"
        description="Shown before it happens; optional"
        placeholder="The lab closes now. Save your work."
        autosize
        minRows={2}
        maxRows={5}
        maxLength={1000}
        value={draft.message}
        onChange={(e) => onChange({ ...draft, message: e.currentTarget.value })}
      />
    </>
  );
}
