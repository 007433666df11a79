/**
 * Resumable HTTP(S) downloads of dataset archives. The bytes go to `<dest>.part`; an interrupted
 * transfer (dropped connection, cancel) is resumed with a `Range` request, by the retry loop or by a later
 * call. When complete, the checksum (MD5 or SHA-256, when known) is checked over the whole file; a
 * mismatch deletes the partial file and fails, a match renames it to `dest` (atomic). This is the only
 * code of the project that touches the network.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';

export interface Checksum {
  algorithm: 'md5' | 'sha256';
  hex: string;
}

export interface DownloadOptions {
  /** Where the finished file goes. */
  dest: string;
  checksum?: Checksum;
  signal?: AbortSignal;
  /** Bytes received so far (including bytes of an earlier, resumed attempt) and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Attempts after a dropped connection before giving up (default 3). */
  retries?: number;
}

/** Why a download failed: the host maps `code` to a message. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(readonly code: 'http' | 'network' | 'checksum' | 'cancelled', readonly url: string, message: string) {
    super(`${url}: ${message}`);
  }
}

function request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { headers, signal }, resolve);
    req.on('error', reject);
  });
}

/** Hex digest of a file. */
export async function fileDigest(file: string, algorithm: Checksum['algorithm']): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** One attempt: appends what the server sends to `part`; resolves when the body ended normally. */
async function attempt(url: string, part: string, opts: DownloadOptions, redirects = 5): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const res = await request(url, have ? { Range: `bytes=${have}-` } : {}, opts.signal);
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location) {
    res.resume();
    if (!redirects) throw new DownloadError('http', url, 'too many redirects');
    return attempt(new URL(res.headers.location, url).toString(), part, opts, redirects - 1);
  }
  if (status === 416 && have) { res.resume(); return; } // nothing left to send: the part is complete
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new DownloadError('http', url, `HTTP ${status}`);
  }
  const append = status === 206;
  let received = append ? have : 0;
  const length = Number(res.headers['content-length']);
  const total = Number.isFinite(length) ? received + length : undefined;
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  try {
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (!out.write(chunk)) { res.pause(); out.once('drain', () => res.resume()); }
        opts.onProgress?.(received, total);
      });
      res.on('end', () => (res.complete ? resolve() : reject(new DownloadError('network', url, 'the connection closed early'))));
      res.on('aborted', () => reject(new DownloadError('network', url, 'the connection closed early')));
      res.on('error', reject);
    });
  } finally {
    await new Promise((r) => out.end(r));
  }
  if (total !== undefined && received < total) throw new DownloadError('network', url, `received ${received} of ${total} bytes`);
}

/**
 * Downloads `url` to `opts.dest`, resuming a previous partial download; retries a dropped connection
 * `retries` times. A cancel (AbortSignal) keeps the partial file for a later resume.
 */
export async function download(url: string, opts: DownloadOptions): Promise<{ file: string; bytes: number }> {
  const part = `${opts.dest}.part`;
  const retries = opts.retries ?? 3;
  for (let tries = 0; ; tries++) {
    try {
      await attempt(url, part, opts);
      break;
    } catch (e) {
      if (opts.signal?.aborted || (e as Error).name === 'AbortError') throw new DownloadError('cancelled', url, 'the download was cancelled; it resumes next time');
      const retryable = e instanceof DownloadError ? e.code === 'network' : true;
      if (!retryable || tries >= retries) throw e instanceof DownloadError ? e : new DownloadError('network', url, (e as Error).message);
    }
  }
  if (opts.checksum) {
    const got = await fileDigest(part, opts.checksum.algorithm);
    if (got !== opts.checksum.hex.toLowerCase()) {
      rmSync(part, { force: true });
      throw new DownloadError('checksum', url, `${opts.checksum.algorithm} ${got} does not match the expected ${opts.checksum.hex}; the file was deleted`);
    }
  }
  renameSync(part, opts.dest);
  return { file: opts.dest, bytes: statSync(opts.dest).size };
}
