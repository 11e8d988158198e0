// Text from the network made safe for a terminal. Anyone can post to a webhook URL or write a post,
// and terminal controls (C0, DEL, C1: escape sequences that rewrite the screen, the window title or
// the clipboard) or bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, which
// make `exe.txt` read as `txt.exe`) would reach the screen. Every human-facing output goes through
// this one function; they are shown as visible `\u202e`-style escapes (also valid inside JSON).

const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// Multi-line text keeps its line breaks and tabs; a CR before LF is dropped (it would only rewind the line).
const UNSAFE_TEXT = /\r\n|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  return c === '\r\n' ? '\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with control and bidi characters neutralised; `multiline` keeps newlines and tabs. */
export function terminalText(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE_TEXT : UNSAFE_LINE, escapeChar);
}
