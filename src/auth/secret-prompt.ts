// The one prompt for secrets typed at a terminal: echo off (raw mode), so a token or secret never
// shows on the screen or in a screen recording. Piped input is read elsewhere, as lines.
import { CredentialsError } from '../errors.js';
import type { IOStreams } from '../io.js';
import { readLines } from './stdin.js';

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';

/**
 * Asks each question on stderr and reads one answer per question from the terminal without echoing
 * it. Characters typed or pasted ahead carry over to the next question. Ctrl-C cancels (exit 3, as
 * any missing credential); Ctrl-D ends the input, leaving the remaining answers empty.
 */
export async function promptSecrets(io: IOStreams, questions: readonly string[]): Promise<string[]> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (typeof stdin.setRawMode !== 'function') {
    // Not a real terminal (a test's stream): nothing echoes, so plain lines will do.
    for (const question of questions) io.stderr.write(question);
    return readLines(stdin, questions.length).lines;
  }
  const answers: string[] = [];
  let current = '';
  // Echo goes off before the question shows, so nothing typed at the first sight of it can echo.
  stdin.setRawMode(true);
  io.stderr.write(questions[0] ?? '');
  try {
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        if (error) reject(error);
        else resolve();
      };
      const answered = (): boolean => {
        answers.push(current);
        current = '';
        io.stderr.write('\n');
        if (answers.length === questions.length) return true;
        io.stderr.write(questions[answers.length]!);
        return false;
      };
      const onEnd = (): void => {
        answers.push(current);
        while (answers.length < questions.length) answers.push('');
        finish();
      };
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString()) {
          if (ch === '\r' || ch === '\n') {
            if (answered()) return finish();
          } else if (ch === CTRL_C) {
            io.stderr.write('\n');
            return finish(new CredentialsError('cancelled', 'XCLI_CANCELLED'));
          } else if (ch === CTRL_D) {
            io.stderr.write('\n');
            return onEnd();
          } else if (ch === '\u007f' || ch === '\b') {
            current = current.slice(0, -1);
          } else if (ch >= ' ') {
            current += ch;
          }
        }
      };
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
  return answers;
}
