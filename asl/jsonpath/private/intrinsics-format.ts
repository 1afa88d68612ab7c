/**
 * States.Format: a string from a template whose `{}` placeholders take the other arguments in turn.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html#asl-intrsc-func-generic
 *
 * Recorded on AWS: a string goes in as it is, null as `null`, numbers as written (1.1), and objects
 * and arrays in Java's notation, not JSON: `{Arg1=1, Arg2=[]}` (test_format_2, test_context_json_path).
 * Reported: an unmatched `{` or `}`, `{{}}`, and a placeholder count that differs from the
 * argument count fail with States.Runtime while the state runs.
 */
import { invalidArguments, shown } from './intrinsics-errors.ts';
import { type IntrinsicSpec, isObject, ok } from './intrinsics-values.ts';

const ESCAPABLE = new Set(["'", '{', '}', '\\']);

type Template = { readonly parts: readonly string[] } | { readonly problem: string };

/**
 * Splits a template around its placeholders: n placeholders give n + 1 literal parts. Escapes
 * (`\{`, `\}`, `\'`, `\\`) stand for the character; a backslash before anything else stays.
 */
function parseTemplate(text: string): Template {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (ch === '\\' && next !== undefined && ESCAPABLE.has(next)) {
      current += next;
      i++;
    } else if (ch === '{' && next === '}') {
      parts.push(current);
      current = '';
      i++;
    } else if (ch === '{' || ch === '}') {
      return {
        problem: `the template has a '${ch}' that is not part of a {} placeholder; write it as \\${ch}.`,
      };
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return { parts };
}

/** A value as States.Format writes it. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (isObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}=${formatValue(item)}`)
      .join(', ')}}`;
  }
  if (typeof value === 'number') return String(value + 0); // -0 prints as 0
  return String(value); // true, false, null
}

export const FORMAT_FUNCTION = {
  Format: {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    signature: "('template {}', value, ...)",
    run: ([template, ...values], { nodes }) => {
      if (typeof template !== 'string') {
        return invalidArguments(
          'Format',
          `the template (first argument) must be a string, but it is ${shown(template)}.`,
        );
      }
      // A literal template is read as written, so that `\{` is a brace and not half a placeholder.
      const first = nodes[0];
      const text = first?.kind === 'literal' && first.raw !== undefined ? first.raw : template;
      const parsed = parseTemplate(text);
      if ('problem' in parsed) return invalidArguments('Format', parsed.problem);
      const placeholders = parsed.parts.length - 1;
      if (placeholders !== values.length) {
        return invalidArguments(
          'Format',
          `the template has ${placeholders} {} placeholder(s) but ${values.length} value(s) follow it; give one value per placeholder.`,
        );
      }
      return ok(parsed.parts.reduce((out, part, i) => out + formatValue(values[i - 1]) + part));
    },
  },
} satisfies Record<string, IntrinsicSpec>;
