/** Every intrinsic function, by the name after `States.`. */
import { ARRAY_FUNCTIONS } from './intrinsics-array.ts';
import { FORMAT_FUNCTION } from './intrinsics-format.ts';
import { MATH_FUNCTIONS } from './intrinsics-math.ts';
import type { FunctionName } from './intrinsics-parse.ts';
import { TEXT_FUNCTIONS } from './intrinsics-text.ts';
import type { IntrinsicSpec } from './intrinsics-values.ts';

export const FUNCTIONS: Readonly<Record<FunctionName, IntrinsicSpec>> = {
  ...ARRAY_FUNCTIONS,
  ...FORMAT_FUNCTION,
  ...MATH_FUNCTIONS,
  ...TEXT_FUNCTIONS,
};
