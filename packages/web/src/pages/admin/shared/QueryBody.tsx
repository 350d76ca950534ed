import type { ReactNode } from 'react';
import { PageError } from '../../../components/PageError.js';
import { TableSkeleton } from '../../../components/TableSkeleton.js';

export interface QueryBodyProps<T> {
  /** TanStack Query's result for the page's list. */
  query: {
    isPending: boolean;
    isFetching: boolean;
    data: T | undefined;
    error: Error | null;
    refetch: () => Promise<unknown>;
  };
  /** The skeleton's busy label ("Loading relays"). */
  loading: string;
  rows?: number;
  /** The title shown when it could not be loaded. */
  errorTitle: string;
  /** The page's body once the data is here. */
  children: (data: T) => ReactNode;
}

/** A list page's body: a table skeleton while loading, the reason and "Try again" on failure, else its content. */
export function QueryBody<T>({ query, loading, rows, errorTitle, children }: QueryBodyProps<T>) {
  if (query.isPending) return <TableSkeleton rows={rows} label={loading} />;
  if (query.data === undefined) {
    return (
      <PageError
        title={errorTitle}
        error={query.error}
        retrying={query.isFetching}
        onRetry={() => void query.refetch()}
      />
    );
  }
  return children(query.data);
}
