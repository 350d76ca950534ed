import { formatDateTime, formatRelative } from '../format/time.js';
import { useNow } from './useNow.js';

/**
 * "12 s ago", moving on by itself; the local date and time (user's time
 * zone) is offered as a tooltip through a surrounding `DelegatedTooltip`.
 */
export function RelativeTime({ value }: { value: string }) {
  const now = useNow();
  return (
    <time dateTime={value} data-tooltip={formatDateTime(value)}>
      {formatRelative(value, now)}
    </time>
  );
}
