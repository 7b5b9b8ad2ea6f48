import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

const KEEP_CHARS = 64 * 1024;

/** Keeps the last few KiB of a child's interleaved stdout and stderr, whatever it prints. */
export class OutputTail {
  private text = '';

  follow(stream: Readable | null): void {
    if (!stream) return;
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => this.append(decoder.write(chunk)));
    stream.on('end', () => this.append(decoder.end()));
  }

  /** The last `count` lines, without a trailing newline. */
  lines(count: number): string {
    const lines = this.text.replace(/\n$/, '').split('\n');
    return lines.slice(-count).join('\n');
  }

  private append(piece: string): void {
    this.text += piece;
    if (this.text.length > KEEP_CHARS) this.text = this.text.slice(-KEEP_CHARS);
  }
}
