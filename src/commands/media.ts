// `xcli media upload|status`: commander wiring only; the work lives in src/media/.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Context } from '../context.js';
import { lazyRuns, takesApiOptions } from './common.js';

/** The run functions of src/media/run.ts, one per command. */
export type MediaRuns = Pick<typeof import('../media/run.js'), 'runUpload' | 'runStatus'>;

export const mediaRuns: MediaRuns = lazyRuns(() => import('../media/run.js'));

const BOOL_WORDS = new Map([
  ['true', true],
  ['t', true],
  ['1', true],
  ['false', false],
  ['f', false],
  ['0', false],
]);

/** `--wait=false` / `--wait false`: a word, as Go's strconv.ParseBool reads it. */
function boolWord(value: string): boolean {
  const word = BOOL_WORDS.get(value.toLowerCase());
  if (word === undefined)
    throw new InvalidArgumentError('it takes true or false (write the file before --wait, or use --no-wait)');
  return word;
}

export function registerMedia(program: Command, ctx: Context, run: MediaRuns = mediaRuns): void {
  const media = program.command('media').description('upload images, GIFs and videos, and check their processing');

  takesApiOptions(
    media
      .command('upload')
      .description('upload a file with X\'s chunked upload; prints the media data ({"id":…}) on stdout')
      .argument('<file>', 'image, GIF or video to upload')
      .option('--media-type <type>', 'media type, e.g. video/mp4 (default: from the content and extension)')
      .option(
        '--category <category>',
        'tweet_image, tweet_gif, tweet_video, amplify_video, dm_image, dm_gif, dm_video or subtitles (default: from the type)',
      )
      .option('--alt <text>', 'alt text describing the media for people using screen readers (up to 1000 characters)')
      .option('--no-wait', 'return after FINALIZE instead of waiting for video/GIF processing')
      // xurl's spelling of the same switch (`--wait=false`; pflag's bool words), kept out of the help.
      .addOption(new Option('--wait [bool]', 'wait for processing: true (default) or false').argParser(boolWord).hideHelp())
      .option('--timeout <duration>', 'longest wait for processing, e.g. 90s or 5m', '10m')
      .addOption(new Option('--chunk-size <bytes>', 'APPEND chunk size (default 4m; env XCLI_MEDIA_CHUNK_SIZE)').hideHelp()),
  )
    .addHelpText(
      'after',
      '\nExample:\n  $ id=$(xcli media upload clip.mp4 | jq -r .id) && xcli post "new clip" --media-id "$id"\n',
    )
    .action((file: string, opts: Record<string, unknown>) => run.runUpload(ctx, { ...opts, file }));

  takesApiOptions(
    media
      .command('status')
      .description('show the processing state of an uploaded media id')
      .argument('<media-id>', 'media id printed by media upload')
      .option('-w, --wait', 'poll until processing succeeds or fails (images have nothing to wait for)')
      .option('--timeout <duration>', 'longest wait with --wait, e.g. 90s or 5m', '10m'),
  ).action((id: string, opts: { wait?: boolean; timeout?: string }) => run.runStatus(ctx, { ...opts, id }));
}
