import { ActionIcon, Code, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import classes from './CopyField.module.css';

export interface CopyFieldProps {
  value: string;
  /** Names the copy button for screen readers ("Copy token"). */
  copyLabel: string;
  /** Keeps line breaks (a multi-line command) instead of one scrolling line. */
  block?: boolean;
  testId?: string;
}

/** A secret or command in monospace with a copy button beside it. */
export function CopyField({ value, copyLabel, block = false, testId }: CopyFieldProps) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Code block={block} className={block ? classes.block : classes.line} data-testid={testId}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : copyLabel}>
            <ActionIcon
              onClick={copy}
              aria-label={copied ? 'Copied' : copyLabel}
              color={copied ? 'teal' : undefined}
              variant={copied ? 'light' : 'default'}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/** A command to run, under a short heading, kept on its lines with a copy button. */
export function CommandField({
  title,
  value,
  copyLabel,
  testId,
}: {
  title: string;
  value: string;
  copyLabel: string;
  testId?: string;
}) {
  return (
    <div>
      <Text fw={600} size="sm" mb={4}>
        {title}
      </Text>
      <CopyField value={value} copyLabel={copyLabel} block testId={testId} />
    </div>
  );
}
