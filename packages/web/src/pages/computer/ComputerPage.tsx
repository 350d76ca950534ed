import type { ComputerDetail } from '@labmgr/protocol';
import {
  Button,
  Card,
  EmptyState,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Tabs,
  Text,
} from '@mantine/core';
import {
  IconArrowLeft,
  IconChartLine,
  IconDeviceDesktopQuestion,
  IconHistory,
  IconListDetails,
  IconNote,
  IconSettings,
  IconTerminal2,
} from '@tabler/icons-react';
import { Link, useSearchParams } from 'wouter';
import { ApiError } from '../../api/client.js';
import { useComputerDetail } from '../../api/computer.js';
import { useLabList } from '../../api/queries.js';
import { paths } from '../../app/paths.js';
import { NotFound } from '../../components/NotFound.js';
import { PageError } from '../../components/PageError.js';
import { CommandConsole } from './CommandConsole.js';
import { ComputerHeader } from './ComputerHeader.js';
import { FilesystemsPanel } from './FilesystemsPanel.js';
import { HistoryCharts } from './HistoryCharts.js';
import { InventoryPanels } from './InventoryPanels.js';
import { LiveCharts } from './LiveCharts.js';
import { LiveStats } from './LiveStats.js';
import { ManagePanel } from './ManagePanel.js';
import { ProcessesPanel } from './ProcessesPanel.js';
import { RecentCommands } from './RecentCommands.js';
import { useLiveComputer } from './useLiveComputer.js';

const TABS = ['live', 'history', 'inventory', 'commands', 'manage'] as const;
type Tab = (typeof TABS)[number];

/** `/computers/:id`: one computer, live and historical, with its inventory, commands and settings. */
export function ComputerPage({ params }: { params: { id: string } }) {
  const detail = useComputerDetail(params.id);
  if (detail.data) return <ComputerView computer={detail.data} />;
  if (detail.isPending) return <ComputerSkeleton />;
  if (detail.error instanceof ApiError && detail.error.status === 404) {
    return (
      <NotFound
        mih={360}
        icon={IconDeviceDesktopQuestion}
        title="No such computer"
        description="It may have been retired, or the address is mistyped."
        action={
          <Button
            component={Link}
            href={paths.fleet}
            variant="default"
            leftSection={<IconArrowLeft size={16} />}
          >
            Back to the fleet
          </Button>
        }
      />
    );
  }
  return (
    <PageError
      title="Could not load this computer"
      error={detail.error}
      retrying={detail.isFetching}
      onRetry={() => void detail.refetch()}
    />
  );
}

function ComputerView({ computer }: { computer: ComputerDetail }) {
  const live = useLiveComputer(computer);
  const labs = useLabList(computer.labId !== null);
  const lab = labs.data?.items.find((l) => l.id === computer.labId);
  const [search, setSearch] = useSearchParams();
  const asked = search.get('tab');
  const tab: Tab = TABS.includes(asked as Tab) ? (asked as Tab) : 'live';
  const sample = live.latestSample;
  const noSample =
    computer.status === 'online'
      ? 'Waiting for the first live sample…'
      : 'Shown while the computer is online.';

  return (
    <Stack gap="lg">
      <ComputerHeader computer={computer} lab={lab} liveMode={live.mode.kind} />
      {computer.notes && (
        <Paper withBorder p="sm" data-testid="computer-notes">
          <Group gap="sm" wrap="nowrap" align="flex-start">
            <IconNote size={18} style={{ flexShrink: 0, marginTop: 2 }} color="var(--mantine-color-dimmed)" />
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {computer.notes}
            </Text>
          </Group>
        </Paper>
      )}
      <Tabs
        value={tab}
        onChange={(value) =>
          setSearch(
            (prev) => {
              const next = new URLSearchParams(prev);
              if (value && value !== 'live') next.set('tab', value);
              else next.delete('tab');
              return next;
            },
            { replace: true },
          )
        }
        keepMounted={false}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="live" leftSection={<IconChartLine size={16} />}>
            Live
          </Tabs.Tab>
          <Tabs.Tab value="history" leftSection={<IconHistory size={16} />}>
            History
          </Tabs.Tab>
          <Tabs.Tab value="inventory" leftSection={<IconListDetails size={16} />}>
            Inventory
          </Tabs.Tab>
          <Tabs.Tab value="commands" leftSection={<IconTerminal2 size={16} />}>
            Commands
          </Tabs.Tab>
          <Tabs.Tab value="manage" leftSection={<IconSettings size={16} />}>
            Manage
          </Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="live">
          <Stack gap="md">
            <LiveStats sample={sample} metrics={computer.metrics} />
            <LiveCharts live={live} cores={computer.inventory?.cpu.threads ?? null} />
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md" style={{ alignItems: 'start' }}>
              <FilesystemsPanel
                live={sample?.filesystems ?? null}
                inventory={computer.inventory?.filesystems ?? []}
              />
              <ProcessesPanel
                byCpu={sample?.topProcesses?.byCpu ?? []}
                byMemory={sample?.topProcesses?.byMemory ?? []}
                waiting={
                  !sample
                    ? noSample
                    : sample.topProcesses
                      ? null
                      : 'Waiting for the agent’s next look at its processes (every 10–30 seconds).'
                }
              />
            </SimpleGrid>
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="history">
          <Stack gap="md">
            <HistoryCharts computerId={computer.id} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="inventory">
          {computer.inventory ? (
            <InventoryPanels inventory={computer.inventory} updatedAt={computer.inventoryUpdatedAt} />
          ) : (
            <Card py={48}>
              <EmptyState
                variant="light"
                icon={<IconListDetails size={26} stroke={1.7} />}
                title="No inventory yet"
                description="The agent sends it when it first connects."
              />
            </Card>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="commands">
          <Stack gap="md">
            <CommandConsole computer={computer} />
            <RecentCommands computerId={computer.id} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="manage">
          <ManagePanel computer={computer} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/** The page's shape while the computer loads. */
function ComputerSkeleton() {
  return (
    <Stack gap="lg" aria-busy="true" aria-label="Loading the computer">
      <Stack gap={8}>
        <Skeleton height={14} width={60} />
        <Skeleton height={30} width={280} />
        <Skeleton height={14} width={420} />
        <Skeleton height={14} width="60%" />
      </Stack>
      <Skeleton height={36} width={480} />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <Skeleton key={i} height={74} radius="md" />
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} height={238} radius="md" />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
