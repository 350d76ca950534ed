import type { ComputerSummary, Seat } from '@labmgr/protocol';
import { type DragEvent, useCallback, useMemo, useRef, useState } from 'react';

/** Our own drag type, so files or text dragged in from elsewhere are not taken for a computer. */
const DRAG_TYPE = 'application/x-labmgr-computer';

/** Where a computer can be dropped: a seat of the grid, or the list of computers without one. */
export type DropTarget = { kind: 'seat'; seat: Seat } | { kind: 'unseated' };

export interface DropZoneProps {
  onDragEnter: (e: DragEvent) => void;
  onDragOver: (e: DragEvent) => void;
  onDragLeave: (e: DragEvent) => void;
  onDrop: (e: DragEvent) => void;
}

export interface SeatDrag {
  /** The computer being dragged, if any. */
  draggingId: string | null;
  /** Key of the drop zone under the pointer. */
  overKey: string | null;
  startDrag: (computer: ComputerSummary, event: DragEvent) => void;
  endDrag: () => void;
  /** Handlers that make an element a drop zone; `key` tells zones apart for the highlight. */
  dropZone: (key: string, target: DropTarget) => DropZoneProps;
}

/**
 * Native HTML5 drag and drop of computers onto seats. The dragged id is kept
 * here as well as in the drag data: browsers hide the data until the drop,
 * and zones need to know during the drag whether to accept it.
 */
export function useSeatDrag(onDrop: (computerId: string, target: DropTarget) => void): SeatDrag {
  const [draggingId, setDraggingId] = useState<string | null>(null);
  const [overKey, setOverKey] = useState<string | null>(null);
  const latestDrop = useRef(onDrop);
  latestDrop.current = onDrop;
  const dragging = useRef<string | null>(null);

  const startDrag = useCallback((computer: ComputerSummary, event: DragEvent) => {
    event.dataTransfer.setData(DRAG_TYPE, computer.id);
    event.dataTransfer.effectAllowed = 'move';
    dragging.current = computer.id;
    // Set after the browser took its drag image of the tile, else the image shows the "dragging" style.
    requestAnimationFrame(() => {
      if (dragging.current === computer.id) setDraggingId(computer.id);
    });
  }, []);

  const endDrag = useCallback(() => {
    dragging.current = null;
    setDraggingId(null);
    setOverKey(null);
  }, []);

  const dropZone = useCallback(
    (key: string, target: DropTarget): DropZoneProps => ({
      onDragEnter: (e) => {
        if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        setOverKey(key);
      },
      onDragOver: (e) => {
        if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
      },
      onDragLeave: (e) => {
        // Moving onto a child of the zone is no leaving.
        if (e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget)) return;
        setOverKey((current) => (current === key ? null : current));
      },
      onDrop: (e) => {
        const id = e.dataTransfer.getData(DRAG_TYPE) || dragging.current;
        if (!id) return;
        e.preventDefault();
        dragging.current = null;
        setDraggingId(null);
        setOverKey(null);
        latestDrop.current(id, target);
      },
    }),
    [],
  );

  return useMemo(
    () => ({ draggingId, overKey, startDrag, endDrag, dropZone }),
    [draggingId, overKey, startDrag, endDrag, dropZone],
  );
}
