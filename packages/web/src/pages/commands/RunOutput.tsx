import type { CommandRun } from '@labmgr/protocol';
import { Badge, Box, Group, Stack, Text } from '@mantine/core';
import { useLayoutEffect, useRef } from 'react';
import classes from './RunOutput.module.css';

/** One stream, following the end while it grows unless the reader scrolled up. */
function Stream({ name, text, live }: { name: 'stdout' | 'stderr'; text: string; live: boolean }) {
  const ref = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the text grows
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && live && pinned.current) el.scrollTop = el.scrollHeight;
  }, [text, live]);
  return (
    <Stack gap={4}>
      <Text size="xs" fw={600} c={name === 'stderr' ? 'red' : 'dimmed'} tt="uppercase">
        {name}
      </Text>
      <pre
        ref={ref}
        className={name === 'stderr' ? `${classes.output} ${classes.stderr}` : classes.output}
        data-stream={name}
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {text}
      </pre>
    </Stack>
  );
}

/** A computer's output: stdout and stderr apart, streaming while the run goes on. */
export function RunOutput({ run, live }: { run: CommandRun; live: boolean }) {
  const empty = run.stdout === '' && run.stderr === '';
  return (
    <Box className={classes.panel} data-testid="run-output">
      {empty ? (
        <Text size="sm" c="dimmed" fs="italic">
          {live ? 'Waiting for output…' : 'No output.'}
        </Text>
      ) : (
        <Stack gap="sm">
          {run.stdout !== '' && <Stream name="stdout" text={run.stdout} live={live} />}
          {run.stderr !== '' && <Stream name="stderr" text={run.stderr} live={live} />}
        </Stack>
      )}
      {(run.truncated || run.message || run.signal) && (
        <Group gap="xs" mt="xs">
          {run.truncated && (
            <Badge color="orange" variant="light" radius="sm" tt="none">
              Output truncated
            </Badge>
          )}
          {run.signal && (
            <Text size="xs" c="dimmed">
              Ended by signal {run.signal}
            </Text>
          )}
          {run.message && (
            <Text size="xs" c="dimmed">
              {run.message}
            </Text>
          )}
        </Group>
      )}
    </Box>
  );
}
