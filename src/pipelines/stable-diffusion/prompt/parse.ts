// Prompt syntax: nataili's negative prompt after "###", and AUTOMATIC1111's attention syntax,
// which AI Horde users write: (text) ×1.1, [text] ÷1.1, (text:1.3), nesting multiplies, \( \) \[ \]
// \\ are literal, and BREAK starts a new 75-token chunk.

export interface WeightedText {
  text: string;
  weight: number;
}

/** A run of text with one weight, or a BREAK. */
export type PromptPart = WeightedText | { break: true };

export function isBreak(part: PromptPart): part is { break: true } {
  return 'break' in part;
}

/** nataili compvis.py: everything after the first "###" is the negative prompt; both are trimmed. */
export function splitNegative(prompt: string): { positive: string; negative: string } {
  const at = prompt.indexOf('###');
  if (at < 0) return { positive: prompt, negative: '' };
  return { positive: prompt.slice(0, at).trim(), negative: prompt.slice(at + 3).trim() };
}

// The tokens of the syntax, in A1111's order of preference: escapes, a lone backslash, brackets,
// ":weight)" (spaces allowed around the number), closers, plain text, a lone colon.
const TOKEN = /\\\(|\\\)|\\\[|\\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/g;
const BREAK = /\s*\bBREAK\b\s*/;
const ROUND = 1.1;
const SQUARE = 1 / 1.1;

/**
 * Port of AUTOMATIC1111 modules/prompt_parser.py parse_prompt_attention, with two choices of ours:
 * a weight that is not a number ("(a:1.2.3)") is kept as text instead of raising, and BREAK is
 * a part of its own that brackets do not weigh (in A1111 "(a BREAK b)" turns BREAK into text).
 * Unbalanced brackets close at the end of the prompt; neighbouring runs of equal weight merge.
 */
export function parseAttention(text: string): PromptPart[] {
  const parts: PromptPart[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiply = (from: number, factor: number): void => {
    for (let i = from; i < parts.length; i++) {
      const part = parts[i]!;
      if (!isBreak(part)) part.weight *= factor;
    }
  };
  const addText = (chunk: string): void => {
    chunk.split(BREAK).forEach((piece, i) => {
      if (i > 0) parts.push({ break: true });
      parts.push({ text: piece, weight: 1 });
    });
  };

  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    const weight = match[1] === undefined ? undefined : Number(match[1]);
    if (token.startsWith('\\')) parts.push({ text: token.slice(1), weight: 1 });
    else if (token === '(') round.push(parts.length);
    else if (token === '[') square.push(parts.length);
    else if (weight !== undefined && Number.isFinite(weight) && round.length > 0) multiply(round.pop()!, weight);
    else if (token === ')' && round.length > 0) multiply(round.pop()!, ROUND);
    else if (token === ']' && square.length > 0) multiply(square.pop()!, SQUARE);
    else addText(token);
  }
  for (const from of round) multiply(from, ROUND);
  for (const from of square) multiply(from, SQUARE);
  if (parts.length === 0) return [{ text: '', weight: 1 }];

  const merged: PromptPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (last && !isBreak(last) && !isBreak(part) && last.weight === part.weight) last.text += part.text;
    else merged.push(isBreak(part) ? part : { ...part });
  }
  return merged;
}
