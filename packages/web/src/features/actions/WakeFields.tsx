import { NumberInput, Text } from '@mantine/core';
import type { WakeDraft } from './drafts.js';

export function WakeFields({ draft, onChange }: { draft: WakeDraft; onChange: (d: WakeDraft) => void }) {
  return (
    <>
      <Text size="sm" c="dimmed">
        For each computer, an online computer on the same network sends the magic packet. Computers with no
        online neighbour are reported as unreachable.
      </Text>
      <NumberInput
        label="UDP port"
        description="9 (discard) works for most network cards; some want 7"
        min={1}
        max={65_535}
        allowDecimal={false}
        w={200}
        value={draft.port}
        onChange={(v) =>
          onChange({ ...draft, port: typeof v === 'number' ? v : Number.parseInt(v, 10) || 0 })
        }
      />
    </>
  );
}
