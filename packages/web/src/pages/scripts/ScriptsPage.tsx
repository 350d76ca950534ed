import type { Script } from '@labmgr/protocol';
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Menu,
  Paper,
  Skeleton,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconDots,
  IconFileCode,
  IconHistory,
  IconPencil,
  IconPlayerPlay,
  IconPlus,
  IconTrash,
} from '@tabler/icons-react';
import { type ReactNode, useMemo, useState } from 'react';
import { useDeleteScript, useScripts } from '../../api/scripts.js';
import { canOperate, useRole } from '../../app/use-role.js';
import { DelegatedTooltip } from '../../components/DelegatedTooltip.js';
import { EmptyPanel } from '../../components/EmptyPanel.js';
import { notifyError, notifySuccess } from '../../components/notify.js';
import { PageError } from '../../components/PageError.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { SearchInput } from '../../components/SearchInput.js';
import { useActions } from '../../features/actions/index.js';
import { ConfirmDialog } from '../commands/ConfirmDialog.js';
import { ScriptEditor } from './ScriptEditor.js';
import { ScriptVersions } from './ScriptVersions.js';
import { TARGET_OS_LABEL } from './script-form.js';

/** The script library: named, versioned scripts with parameters, run on any target. */
export function ScriptsPage() {
  const role = useRole();
  const operator = canOperate(role);
  const actions = useActions();
  const scripts = useScripts();
  const remove = useDeleteScript();
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Script | 'new' | null>(null);
  const [history, setHistory] = useState<Script | null>(null);
  const [deleting, setDeleting] = useState<Script | null>(null);

  const items = scripts.data?.items;
  const rows = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (items ?? [])
      .filter((s) => needle === '' || `${s.name} ${s.description}`.toLowerCase().includes(needle))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [items, search]);

  let body: ReactNode;
  if (scripts.isPending) {
    body = (
      <Paper withBorder p="md" aria-busy="true" aria-label="Loading scripts">
        <Stack gap={14}>
          {Array.from({ length: 6 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
            <Skeleton key={i} height={30} radius="sm" />
          ))}
        </Stack>
      </Paper>
    );
  } else if (!scripts.data) {
    body = (
      <PageError
        title="Could not load the scripts"
        error={scripts.error}
        retrying={scripts.isFetching}
        onRetry={() => void scripts.refetch()}
      />
    );
  } else if (scripts.data.items.length === 0) {
    body = (
      <EmptyPanel
        icon={IconFileCode}
        title="No scripts yet"
        description="Keep the scripts you run often here, with parameters, and run them on a computer, a lab or the whole fleet. Every change is kept as a version."
        action={
          operator && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New script
            </Button>
          )
        }
      />
    );
  } else {
    body = (
      <Stack gap="sm">
        <Group justify="space-between">
          <SearchInput
            aria-label="Search scripts"
            placeholder="Search name or description…"
            value={search}
            onSearch={setSearch}
            w={{ base: '100%', xs: 300 }}
          />
          <Text size="sm" c="dimmed">
            {rows.length === scripts.data.items.length
              ? `${rows.length} ${rows.length === 1 ? 'script' : 'scripts'}`
              : `${rows.length} of ${scripts.data.items.length} scripts`}
          </Text>
        </Group>
        <Paper withBorder>
          <DelegatedTooltip>
            <Table.ScrollContainer minWidth={720}>
              <Table aria-label="Scripts" layout="fixed">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th w={110}>Target OS</Table.Th>
                    <Table.Th w={110}>Shell</Table.Th>
                    <Table.Th w={90}>Version</Table.Th>
                    <Table.Th w={110}>Parameters</Table.Th>
                    <Table.Th w={120}>Updated</Table.Th>
                    <Table.Th w={operator ? 150 : 60}>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((s) => (
                    <Table.Tr key={s.id} data-script={s.name}>
                      <Table.Td>
                        <Anchor
                          component="button"
                          type="button"
                          size="sm"
                          fw={600}
                          c="var(--mantine-color-text)"
                          onClick={() => setEditing(s)}
                        >
                          {s.name}
                        </Anchor>
                        {s.description !== '' && (
                          <Text size="xs" c="dimmed" truncate="end" data-tooltip={s.description}>
                            {s.description}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="default" radius="sm" tt="none" fw={500}>
                          {TARGET_OS_LABEL[s.targetOs]}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {s.shell}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Anchor component="button" type="button" size="sm" onClick={() => setHistory(s)}>
                          v{s.version}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text
                          size="sm"
                          c={s.parameters.length === 0 ? 'dimmed' : undefined}
                          data-tooltip={s.parameters.map((p) => p.name).join(', ') || undefined}
                        >
                          {s.parameters.length === 0 ? 'None' : s.parameters.length}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          <RelativeTime value={s.updatedAt} />
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap" justify="flex-end">
                          {operator && (
                            <Button
                              size="xs"
                              variant="light"
                              leftSection={<IconPlayerPlay size={14} />}
                              onClick={() => actions.open({ kind: 'script', scriptId: s.id })}
                            >
                              Run…
                            </Button>
                          )}
                          <Menu position="bottom-end" withinPortal>
                            <Menu.Target>
                              <ActionIcon variant="subtle" color="gray" aria-label={`More for ${s.name}`}>
                                <IconDots size={16} />
                              </ActionIcon>
                            </Menu.Target>
                            <Menu.Dropdown>
                              <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setEditing(s)}>
                                {operator ? 'Edit' : 'View'}
                              </Menu.Item>
                              <Menu.Item
                                leftSection={<IconHistory size={14} />}
                                onClick={() => setHistory(s)}
                              >
                                Versions
                              </Menu.Item>
                              {operator && (
                                <Menu.Item
                                  color="red"
                                  leftSection={<IconTrash size={14} />}
                                  onClick={() => setDeleting(s)}
                                >
                                  Delete…
                                </Menu.Item>
                              )}
                            </Menu.Dropdown>
                          </Menu>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </DelegatedTooltip>
          {rows.length === 0 && (
            <Text size="sm" c="dimmed" ta="center" py="lg">
              No script matches “{search}”.
            </Text>
          )}
        </Paper>
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <PageHeader
        title="Scripts"
        description="Reusable scripts with parameters, versioned on every change."
        align="flex-start"
        gap="md"
        action={
          operator && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New script
            </Button>
          )
        }
      />
      {body}
      <ScriptEditor script={editing} readOnly={!operator} onClose={() => setEditing(null)} />
      <ScriptVersions script={history} onClose={() => setHistory(null)} />
      <ConfirmDialog
        opened={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete script"
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          if (!deleting) return;
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(`“${deleting.name}” was removed from the library.`, 'Script deleted');
              setDeleting(null);
            },
            onError: (error) => notifyError(error, 'Could not delete the script'),
          });
        }}
      >
        <Text size="sm">
          It and its {deleting?.version ?? 0} {deleting?.version === 1 ? 'version' : 'versions'} leave the
          library. Commands that already ran it keep their record.
        </Text>
      </ConfirmDialog>
      {actions.dialog}
    </Stack>
  );
}
