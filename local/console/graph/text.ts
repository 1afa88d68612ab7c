/**
 * The text a node shows and the room it takes. There is no browser to measure text on the
 * server, so widths are estimated from the character count: 8.4 px a character for the names
 * (13 px, semibold: 7.5 px, the regular weight's average, let `MarkAbandoned` overflow its box
 * in Chromium), 6.6 px at the 11 px type and note font.
 */
import { displayText } from '../../../tasks/shared/html.ts';

/** Names longer than this are cut with an ellipsis (the whole name is in the node's <title>). */
export const NAME_MAX = 32;
/** Edge labels (Choice conditions, Catch error names) are cut at this many characters. */
export const EDGE_LABEL_MAX = 30;
export const NOTE_MAX = 40;

export const NAME_CHAR = 8.4;
export const SMALL_CHAR = 6.6;
export const PAD_X = 12;
/** Room for the status sign before the name. */
export const SIGN_WIDTH = 16;
export const LINE = 16;
export const PAD_Y = 8;
export const MIN_WIDTH = 120;

/** The lines of a state's box (visible text: control and format characters shown as U+FFFD). */
export interface NodeLines {
  readonly name: string;
  readonly type: string;
  readonly note?: string;
  readonly signed: boolean;
}

export function nodeLines(name: string, type: string, note: string | undefined, signed: boolean): NodeLines {
  return {
    name: displayText(name, NAME_MAX),
    type: displayText(type, NAME_MAX),
    note: note === undefined || note === '' ? undefined : displayText(note, NOTE_MAX),
    signed,
  };
}

function chars(value: string): number {
  return [...value].length;
}

export function linesWidth(lines: NodeLines): number {
  const name = chars(lines.name) * NAME_CHAR + (lines.signed ? SIGN_WIDTH : 0);
  const small = Math.max(chars(lines.type), chars(lines.note ?? '')) * SMALL_CHAR;
  return Math.ceil(Math.max(MIN_WIDTH, name + 2 * PAD_X, small + 2 * PAD_X));
}

export function linesHeight(lines: NodeLines): number {
  return (lines.note ? 3 : 2) * LINE + 2 * PAD_Y;
}

export function edgeLabel(label: string): { text: string; width: number; height: number } {
  const text = displayText(label, EDGE_LABEL_MAX);
  return { text, width: Math.ceil(chars(text) * SMALL_CHAR + 8), height: LINE };
}
