import { useNow } from '../../../components/useNow.js';
import { formatDateTime } from '../../../format/time.js';
import { formatUntil } from '../../../format/until.js';

/**
 * "in 23 h" (or "5 min ago" once past), moving on by itself; the local date
 * and time is the tooltip of a surrounding `DelegatedTooltip`.
 */
export function UntilTime({ value }: { value: string }) {
  const now = useNow();
  return (
    <time dateTime={value} data-tooltip={formatDateTime(value)}>
      {formatUntil(value, now)}
    </time>
  );
}
