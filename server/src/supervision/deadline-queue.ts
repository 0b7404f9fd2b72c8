/** One entry of the queue: when, and whose deadline (`rank` orders equal times). */
export interface QueuedDeadline {
  at: number;
  rank: number;
  key: string;
}

/**
 * A binary min-heap of deadlines, so the earliest of 10,000 devices is found in O(1) and a new
 * one is queued in O(log n). Entries are never removed in place: the owner keeps one live
 * entry per key and skips stale ones when they come out (lazy deletion).
 */
export class DeadlineQueue {
  private readonly heap: QueuedDeadline[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): QueuedDeadline | undefined {
    return this.heap[0];
  }

  push(entry: QueuedDeadline): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): QueuedDeadline | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && before(heap[l]!, heap[min]!)) min = l;
      if (r < heap.length && before(heap[r]!, heap[min]!)) min = r;
      if (min === i) break;
      [heap[i], heap[min]] = [heap[min]!, heap[i]!];
      i = min;
    }
    return top;
  }
}

function before(a: QueuedDeadline, b: QueuedDeadline): boolean {
  return a.at < b.at || (a.at === b.at && a.rank < b.rank);
}
