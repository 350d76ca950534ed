import type { ComputerDetail, LiveEvent } from '@labmgr/protocol';
import { Anchor, Badge, Button, Card, Code, Group, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { IconPlayerPlay, IconTerminal2 } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { computerKeys, fetchCommand, useStartCommand } from '../../api/computer.js';
import { useLiveEvents } from '../../api/LiveProvider.js';
import { paths } from '../../app/paths.js';
import { canOperate, useRole } from '../../app/use-role.js';
import { notifyError } from '../../components/notify.js';
import classes from './CommandConsole.module.css';
import {
  type ConsoleRun,
  foldConsoleEvents,
  isFinal,
  runStatusColor,
  runStatusLabel,
  settleRun,
} from './console-model.js';
import { PanelTitle } from './PanelTitle.js';

/** Events that arrived before the POST answered (the agent can be that quick): kept per command. */
const EARLY_EVENTS_KEPT = 200;

/**
 * One shell line on this computer, its output streamed as the agent sends it
 * (`command.output`), its state as it changes (`command.run`). The full run
 * is read back once it ends, in case chunks were missed.
 */
export function CommandConsole({ computer }: { computer: ComputerDetail }) {
  const allowed = canOperate(useRole());
  const online = computer.status === 'online';
  const shell = computer.inventory?.os.platform === 'win32' ? 'powershell' : 'sh';
  const [line, setLine] = useState('');
  const [run, setRun] = useState<ConsoleRun | null>(null);
  const early = useRef<LiveEvent[]>([]);
  const start = useStartCommand(computer.id);
  const queryClient = useQueryClient();
  const outputRef = useRef<HTMLDivElement>(null);

  useLiveEvents((events) => {
    if (run) {
      setRun((current) => (current ? foldConsoleEvents(current, events, computer.id) : current));
    } else if (start.isPending) {
      early.current = [
        ...early.current,
        ...events.filter((e) => e.type === 'command.output' || e.type === 'command.run'),
      ].slice(-EARLY_EVENTS_KEPT);
    }
  });

  const commandId = run?.commandId;
  const finished = run ? isFinal(run.status) : false;
  useEffect(() => {
    if (!commandId || !finished) return undefined;
    const controller = new AbortController();
    fetchCommand(commandId, controller.signal)
      .then((detail) => {
        const stored = detail.runs.find((r) => r.computerId === computer.id);
        if (stored)
          setRun((current) => (current?.commandId === commandId ? settleRun(current, stored) : current));
      })
      .catch(() => {
        // The live output stays; the command's own page has the stored one.
      })
      .finally(() => void queryClient.invalidateQueries({ queryKey: computerKeys.commands(computer.id) }));
    return () => controller.abort();
  }, [commandId, finished, computer.id, queryClient]);

  const chunkCount = run?.chunks.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever output grows
  useEffect(() => {
    const viewport = outputRef.current;
    if (viewport) viewport.scrollTop = viewport.scrollHeight;
  }, [chunkCount]);

  const submit = () => {
    const command = line.trim();
    if (!command) return;
    early.current = [];
    setRun(null);
    start.mutate(
      {
        kind: 'shell',
        command,
        shell,
        runAs: null,
        targets: { computerIds: [computer.id] },
        timeoutSec: 120,
        queueTtlSec: 60,
      },
      {
        onSuccess: (detail) => {
          const stored = detail.runs.find((r) => r.computerId === computer.id);
          const initial: ConsoleRun = {
            commandId: detail.id,
            command,
            status: stored?.status ?? 'pending',
            exitCode: stored?.exitCode ?? null,
            message: stored?.message ?? null,
            chunks: [],
          };
          setRun(foldConsoleEvents(initial, early.current, computer.id));
          early.current = [];
        },
        onError: (error) => notifyError(error, 'Could not run the command'),
      },
    );
  };

  if (!allowed) {
    return (
      <Card padding="md">
        <PanelTitle title="Console" />
        <Text size="sm" c="dimmed">
          Running commands is for operators and administrators.
        </Text>
      </Card>
    );
  }

  return (
    <Card padding="md">
      <PanelTitle
        title="Console"
        aside={
          <Text size="xs" c="dimmed">
            runs with {shell} as the agent's user, 2 min limit
          </Text>
        }
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Group gap="sm" align="flex-end" wrap="nowrap">
          <TextInput
            label="Command"
            placeholder={
              online ? (shell === 'sh' ? 'e.g. df -h' : 'e.g. Get-Volume') : 'The computer is offline'
            }
            value={line}
            onChange={(e) => setLine(e.currentTarget.value)}
            leftSection={<IconTerminal2 size={16} />}
            classNames={{ input: classes.commandInput }}
            style={{ flex: 1 }}
            disabled={!online}
            autoComplete="off"
            spellCheck={false}
          />
          <Button
            type="submit"
            leftSection={<IconPlayerPlay size={16} />}
            loading={start.isPending}
            disabled={!online || line.trim() === '' || (run !== null && !isFinal(run.status))}
          >
            Run
          </Button>
        </Group>
      </form>
      {run && (
        <Stack gap={6} mt="sm">
          <Group gap="sm" justify="space-between">
            <Group gap="xs">
              <Badge color={runStatusColor(run.status)} variant="light" data-testid="console-status">
                {runStatusLabel(run.status)}
              </Badge>
              {run.exitCode !== null && (
                <Text size="xs" c="dimmed">
                  exit code {run.exitCode}
                </Text>
              )}
              {run.message && (
                <Text size="xs" c="dimmed">
                  {run.message}
                </Text>
              )}
            </Group>
            <Anchor component={Link} href={paths.command(run.commandId)} size="xs">
              Open the command
            </Anchor>
          </Group>
          <ScrollArea.Autosize mah={320} viewportRef={outputRef} className={classes.output} type="auto">
            <Code block className={classes.pre} data-testid="console-output">
              <Text span c="dimmed" inherit>
                $ {run.command}
                {'\n'}
              </Text>
              {run.chunks.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: chunks only ever append
                <span key={i} className={c.stream === 'stderr' ? classes.stderr : undefined}>
                  {c.data}
                </span>
              ))}
              {run.chunks.length === 0 && isFinal(run.status) && (
                <Text span c="dimmed" inherit>
                  (no output)
                </Text>
              )}
            </Code>
          </ScrollArea.Autosize>
        </Stack>
      )}
    </Card>
  );
}
