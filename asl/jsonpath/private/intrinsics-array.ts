/**
 * The array intrinsics: States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
 * ArrayLength, ArrayUnique.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-arrays
 */
import { invalidArguments, shown } from './intrinsics-errors.ts';
import {
  canonicalJson,
  type IntrinsicSpec,
  isNumber,
  jsonEquals,
  ok,
  truncated,
} from './intrinsics-values.ts';

/** "The newly generated array can't contain more than 1000 items." (ArrayRange) */
export const ARRAY_RANGE_LIMIT = 1000;

function notAnArray(name: string, value: unknown): ReturnType<typeof invalidArguments> {
  return invalidArguments(name, `the first argument must be an array, but it is ${shown(value)}.`);
}

export const ARRAY_FUNCTIONS = {
  Array: { min: 0, max: Number.POSITIVE_INFINITY, signature: '(value, ...)', run: (args) => ok([...args]) },

  /** Chunks of `size` items, the last one shorter; the size must be a positive integer. */
  ArrayPartition: {
    min: 2,
    max: 2,
    signature: '(array, chunkSize)',
    run: ([array, size]) => {
      if (!Array.isArray(array)) return notAnArray('ArrayPartition', array);
      const chunk = isNumber(size) ? truncated(size) : 0;
      if (chunk <= 0) {
        return invalidArguments(
          'ArrayPartition',
          `the chunk size must be a positive integer, but it is ${shown(size)}.`,
        );
      }
      const chunks: unknown[][] = [];
      for (let i = 0; i < array.length; i += chunk) chunks.push(array.slice(i, i + chunk));
      return ok(chunks);
    },
  },

  /** Whether the array holds a value equal to the second argument (objects compare by content). */
  ArrayContains: {
    min: 2,
    max: 2,
    signature: '(array, value)',
    run: ([array, value]) => {
      if (!Array.isArray(array)) return notAnArray('ArrayContains', array);
      return ok(array.some((item) => jsonEquals(item, value)));
    },
  },

  /**
   * From start to end by step, end included when a step lands on it; descending with a negative
   * step, empty when the step leads away from end (reported).
   */
  ArrayRange: {
    min: 3,
    max: 3,
    signature: '(start, end, step)',
    run: (args) => {
      if (!args.every(isNumber)) {
        return invalidArguments(
          'ArrayRange',
          `start, end and step must be numbers, but they are ${shown(args)}.`,
        );
      }
      const [first, last, step] = (args as number[]).map(truncated) as [number, number, number];
      if (step === 0) return invalidArguments('ArrayRange', 'the step must be a non-zero integer.');
      const count = Math.max(0, Math.floor((last - first) / step) + 1);
      if (count > ARRAY_RANGE_LIMIT) {
        return invalidArguments(
          'ArrayRange',
          `the range would hold ${count} items; AWS allows at most ${ARRAY_RANGE_LIMIT}. Narrow the range or raise the step.`,
        );
      }
      return ok(Array.from({ length: count }, (_, i) => first + i * step));
    },
  },

  /** The item at a zero-based index; a fractional index is truncated (reported). */
  ArrayGetItem: {
    min: 2,
    max: 2,
    signature: '(array, index)',
    run: ([array, index]) => {
      if (!Array.isArray(array)) return notAnArray('ArrayGetItem', array);
      if (!isNumber(index)) {
        return invalidArguments('ArrayGetItem', `the index must be a number, but it is ${shown(index)}.`);
      }
      const at = truncated(index);
      if (at < 0 || at >= array.length) {
        return invalidArguments(
          'ArrayGetItem',
          `the index ${at} is outside the array, which has ${array.length} items (indexes start at 0).`,
        );
      }
      return ok(array[at]);
    },
  },

  ArrayLength: {
    min: 1,
    max: 1,
    signature: '(array)',
    run: ([array]) => (Array.isArray(array) ? ok(array.length) : notAnArray('ArrayLength', array)),
  },

  /** The first occurrence of each distinct value, in order (objects compare by content). */
  ArrayUnique: {
    min: 1,
    max: 1,
    signature: '(array)',
    run: ([array]) => {
      if (!Array.isArray(array)) return notAnArray('ArrayUnique', array);
      const seen = new Set<string>();
      return ok(
        array.filter((item) => {
          const key = canonicalJson(item);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        }),
      );
    },
  },
} satisfies Record<string, IntrinsicSpec>;
