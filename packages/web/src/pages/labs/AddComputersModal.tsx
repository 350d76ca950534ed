import type { ComputerSummary } from '@labmgr/protocol';
import { Button, Checkbox, Group, Modal, ScrollArea, Stack, Text } from '@mantine/core';
import { useDeferredValue, useMemo, useState } from 'react';
import { SearchInput } from '../../components/SearchInput.js';
import { StatusDot } from '../../components/StatusDot.js';
import { byName, shownName } from './lab-model.js';

export interface AddComputersModalProps {
  opened: boolean;
  labName: string;
  /** Computers in no lab. */
  candidates: readonly ComputerSummary[];
  onClose: () => void;
  onAdd: (computerIds: string[]) => void;
}

/** Brings computers that are in no lab into this one (without a seat; drag them to one next). */
export function AddComputersModal({ opened, labName, candidates, onClose, onAdd }: AddComputersModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Add computers to ${labName}`} centered size="md">
      {opened && <AddForm labName={labName} candidates={candidates} onClose={onClose} onAdd={onAdd} />}
    </Modal>
  );
}

function matches(c: ComputerSummary, needle: string): boolean {
  return (
    needle === '' ||
    c.hostname.toLowerCase().includes(needle) ||
    (c.displayName?.toLowerCase().includes(needle) ?? false)
  );
}

function AddForm({ labName, candidates, onClose, onAdd }: Omit<AddComputersModalProps, 'opened'>) {
  const [search, setSearch] = useState('');
  const needle = useDeferredValue(search).trim().toLowerCase();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const sorted = useMemo(() => [...candidates].sort(byName), [candidates]);
  const shown = useMemo(() => sorted.filter((c) => matches(c, needle)), [sorted, needle]);
  const allShownPicked = shown.length > 0 && shown.every((c) => picked.has(c.id));

  const toggle = (id: string) =>
    setPicked((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleShown = () =>
    setPicked((current) => {
      const next = new Set(current);
      for (const c of shown) {
        if (allShownPicked) next.delete(c.id);
        else next.add(c.id);
      }
      return next;
    });

  if (candidates.length === 0) {
    return (
      <Stack gap="md">
        <Text size="sm">
          Every enrolled computer is in a lab already. To move one here from another lab, take it out of that
          lab first.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Computers in no lab. They join {labName} without a seat; drag them onto their seats afterwards.
      </Text>
      <SearchInput
        aria-label="Search computers"
        placeholder="Search name or hostname…"
        value={search}
        onSearch={setSearch}
        data-autofocus
        spellCheck={false}
        autoComplete="off"
      />
      <Checkbox
        label={`Select all ${shown.length} shown`}
        checked={allShownPicked}
        indeterminate={!allShownPicked && shown.some((c) => picked.has(c.id))}
        onChange={toggleShown}
        disabled={shown.length === 0}
      />
      <ScrollArea.Autosize mah={320} type="auto" offsetScrollbars>
        <Stack gap={6}>
          {shown.map((c) => (
            <Checkbox
              key={c.id}
              checked={picked.has(c.id)}
              onChange={() => toggle(c.id)}
              label={
                <Group gap={8} wrap="nowrap">
                  <StatusDot
                    color={
                      c.status === 'online' ? 'var(--mantine-color-green-6)' : 'var(--mantine-color-gray-5)'
                    }
                  />
                  <span>{shownName(c)}</span>
                  {c.displayName && (
                    <Text span size="xs" c="dimmed">
                      {c.hostname}
                    </Text>
                  )}
                </Group>
              }
            />
          ))}
          {shown.length === 0 && (
            <Text size="sm" c="dimmed">
              No computer by that name.
            </Text>
          )}
        </Stack>
      </ScrollArea.Autosize>
      <Group justify="flex-end" gap="sm" mt="xs">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button
          disabled={picked.size === 0}
          onClick={() => {
            onAdd([...picked]);
            onClose();
          }}
        >
          {picked.size === 0 ? 'Add' : `Add ${picked.size} ${picked.size === 1 ? 'computer' : 'computers'}`}
        </Button>
      </Group>
    </Stack>
  );
}
