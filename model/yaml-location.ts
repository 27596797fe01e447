// Maps a data path (as zod reports it) back to a line and column in the YAML it was read from.
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter } from 'yaml';

export type PathSegment = string | number;

export interface YamlPosition {
  line: number;
  column: number;
}

function positionOf(node: unknown, lineCounter: LineCounter): YamlPosition | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (!range) return undefined;
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}

/**
 * Position of the deepest field along `path` that exists in the document: the key of a mapping entry,
 * or the start of a list item. A field that is missing therefore points at the entry that lacks it.
 */
export function locateYamlPath(
  doc: Document,
  path: readonly PathSegment[],
  lineCounter: LineCounter,
): YamlPosition | undefined {
  let node: unknown = doc.contents;
  let position = positionOf(node, lineCounter);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      position = positionOf(pair.key, lineCounter) ?? position;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item == null) break;
      position = positionOf(item, lineCounter) ?? position;
      node = item;
    } else {
      break;
    }
  }
  return position;
}
