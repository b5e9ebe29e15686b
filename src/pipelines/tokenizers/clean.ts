// OpenAI CLIP cleans text before its regex and BPE (basic_clean in simple_tokenizer.py): ftfy's
// fix_text, HTML unescaping twice, trimming. A tokenizer.json cannot express those steps, and
// Hugging Face's fast CLIP tokenizer skips them, so prompts such as "rock &amp; roll" or
// "it’s" would get different ids than OpenAI's. This is the part of that cleaning which
// changes ordinary prompts; ftfy's mojibake repair (decoding mis-encoded UTF-8) is not here.

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  szlig: 'ß',
};

function codePoint(value: number): string | undefined {
  // Python's html.unescape maps invalid and surrogate code points to U+FFFD; keep the text instead.
  return value > 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff) ? String.fromCodePoint(value) : undefined;
}

/** HTML character references: numeric ones always, named ones from a short common list. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return codePoint(parseInt(body.slice(2), 16)) ?? whole;
    if (body.startsWith('#')) return codePoint(parseInt(body.slice(1), 10)) ?? whole;
    return NAMED_ENTITIES[body] ?? whole;
  });
}

/** ftfy's uncurl_quotes: typographic single and double quotes become ASCII ones. */
function uncurlQuotes(text: string): string {
  return text.replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'").replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"');
}

/** ftfy's fix_latin_ligatures for the ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ block; NFKC spells each out in plain letters. */
function fixLatinLigatures(text: string): string {
  return text.replace(/[\ufb00-\ufb06]/g, (c) => c.normalize('NFKC'));
}

/** ftfy's fix_character_width: full-width ASCII forms and the ideographic space to plain ASCII. */
function fixCharacterWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

/** ftfy's remove_control_chars (the C0/C1 controls except tab, newline, carriage return). */
function removeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/g, '');
}

/** What OpenAI's basic_clean does to a prompt, as far as ordinary text is concerned. */
export function clipBasicClean(text: string): string {
  // ftfy unescapes before it uncurls, so "&rsquo;" also ends up as a plain apostrophe.
  const fixed = removeControls(fixCharacterWidth(fixLatinLigatures(uncurlQuotes(unescapeHtml(text)))));
  // Then OpenAI unescapes twice more: prompts scraped from the web are often double-escaped ("&amp;amp;").
  return unescapeHtml(unescapeHtml(fixed)).normalize('NFC').trim();
}
