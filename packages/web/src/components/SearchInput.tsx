import { CloseButton, TextInput, type TextInputProps } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

export interface SearchInputProps
  extends Omit<TextInputProps, 'value' | 'onChange' | 'leftSection' | 'rightSection'> {
  value: string;
  onSearch: (value: string) => void;
  /** What the clear button does; by default it searches for nothing. */
  onClear?: () => void;
  /** Escape empties the search too (a list's filter, not a field inside a modal). */
  clearOnEscape?: boolean;
}

/** A search field with its magnifier and, once there is text, a "Clear search" button. */
export function SearchInput({ value, onSearch, onClear, clearOnEscape = false, ...props }: SearchInputProps) {
  const clear = onClear ?? (() => onSearch(''));
  return (
    <TextInput
      {...props}
      leftSection={<IconSearch size={16} stroke={1.8} />}
      value={value}
      onChange={(e) => onSearch(e.currentTarget.value)}
      onKeyDown={
        clearOnEscape
          ? (e) => {
              if (e.key === 'Escape') clear();
            }
          : undefined
      }
      rightSection={value ? <CloseButton size="sm" aria-label="Clear search" onClick={clear} /> : null}
    />
  );
}
