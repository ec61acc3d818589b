// JSON.parse keeps the last of two equal keys in an object without a word, so `{"matterRef":"A","matterRef":"B"}`
// would mean whatever the parser picked. The raw body is walked once (jsonc-parser) to find a repeated key first.
import { visit } from "jsonc-parser";

/** Thrown when the JSON text nests deeper than the walk's stack: no body the spec describes comes near it. */
export class NestedTooDeeply extends Error {}

/** The path (keys and indexes) of the first key repeated in one object of the JSON text, if any. */
export function firstRepeatedKey(text: string): (string | number)[] | undefined {
  try {
    return walk(text);
  } catch (error) {
    // jsonc-parser recurses per level; `[[[[...` thousands deep overflows the stack.
    if (error instanceof RangeError) throw new NestedTooDeeply("nested too deeply");
    throw error;
  }
}

function walk(text: string): (string | number)[] | undefined {
  const objects: Set<string>[] = [];
  let repeated: (string | number)[] | undefined;
  visit(
    text,
    {
      onObjectBegin: () => {
        objects.push(new Set());
      },
      onObjectEnd: () => {
        objects.pop();
      },
      onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
        const keys = objects.at(-1);
        if (repeated !== undefined || keys === undefined) return;
        if (keys.has(property)) repeated = [...pathSupplier(), property];
        keys.add(property);
      },
    },
    { disallowComments: true },
  );
  return repeated;
}
