/**
 * Resumable HTTP(S) downloads of dataset archives. The bytes go to `<dest>.part`; an interrupted
 * transfer (dropped connection, cancel) is resumed with a `Range` request, by the retry loop or by a later
 * call. When complete, the file is checked against its pin (size, SHA-256, MD5: each one given) over the
 * whole file; a mismatch deletes the partial file and fails, a match renames it to `dest` (atomic). This is
 * the only code of the project that touches the network.
 *
 * Transport rules: https is always allowed; plain http only to this machine (loopback: nothing on the
 * network can change the bytes), or when the caller allows it *and* a SHA-256 is pinned (then the hash,
 * not the transport, vouches for the bytes). A redirect from https to http is refused, as are other
 * schemes. Without a pinned size, a download stops at `MAX_DOWNLOAD_BYTES`.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { isIP } from 'node:net';
import { openFile } from './files';

/** What a downloaded file must be. Every field given is checked; hex digests in lower or upper case. */
export interface Pin {
  /** Size in bytes. */
  size?: number;
  /** SHA-256, measured by whoever pinned the file. */
  sha256?: string;
  /** MD5 as the publisher lists it: catches damage, not a forgery (MD5 collisions are cheap). */
  md5?: string;
}

/**
 * Most bytes a download without a pinned size may have: 16 GiB, far above any archive of the catalog
 * (each a dataset of small recordings or images), so a server that never stops cannot fill the disk.
 */
export const MAX_DOWNLOAD_BYTES = 16 * 2 ** 30;

export interface DownloadOptions {
  /** Where the finished file goes. */
  dest: string;
  /** What the file must be (checked when complete; a pinned size also while receiving). */
  pin?: Pin;
  /**
   * Plain http:// to another machine is allowed (only with `pin.sha256`): the catalog entry says its
   * publisher serves nothing else, or the user chose the mirror.
   */
  allowHttp?: boolean;
  signal?: AbortSignal;
  /** Bytes received so far (including bytes of an earlier, resumed attempt) and the total when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Attempts after a dropped connection before giving up (default 3). */
  retries?: number;
}

/** Why a download failed: the host maps `code` to a message. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(readonly code: 'http' | 'network' | 'checksum' | 'insecure' | 'cancelled', readonly url: string, message: string) {
    super(`${url}: ${message}`);
  }
}

/** Whether `host` (a URL's hostname) is this machine: 127.0.0.0/8, ::1 or localhost. */
function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Refuses a URL the transport rules do not allow (see the file comment); `from` is the redirecting URL. */
export function checkTransport(url: string, opts: Pick<DownloadOptions, 'pin' | 'allowHttp'>, from?: string): void {
  let u: URL;
  try { u = new URL(url); } catch { throw new DownloadError('http', url, 'not a valid URL'); }
  if (u.protocol === 'https:') return;
  if (u.protocol !== 'http:') throw new DownloadError('insecure', url, `the scheme ${u.protocol} is not downloaded${from ? ` (redirected from ${from})` : ''}; expected https`);
  if (from?.startsWith('https:')) throw new DownloadError('insecure', url, `refusing the redirect from ${from} to plain http: anyone on the way could change the file`);
  if (isLoopback(u.hostname)) return;
  if (opts.allowHttp && opts.pin?.sha256) return;
  throw new DownloadError('insecure', url, opts.allowHttp
    ? 'refusing plain http without a pinned SHA-256: nothing would show that the file was not changed on the way; pin its sha256 in the catalog, use an https mirror, or download and check it yourself'
    : 'refusing plain http: use https');
}

function request(url: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { headers, signal }, resolve);
    req.on('error', reject);
  });
}

/**
 * Checks a file against a pin; returns what does not match, in words, or `undefined` when all given
 * fields match (also when the pin is empty). Pipes and devices are refused (an `EventDataError`).
 */
export async function verifyFile(file: string, pin: Pin): Promise<string | undefined> {
  const { fh, size } = await openFile(file, 'a downloaded archive');
  try {
    if (pin.size !== undefined && size !== pin.size) return `the file has ${size} bytes, the catalog pins ${pin.size}`;
    if (!pin.sha256 && !pin.md5) return undefined;
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    for await (const chunk of fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      if (pin.sha256) sha.update(chunk);
      if (pin.md5) md5.update(chunk);
    }
    if (pin.sha256) {
      const got = sha.digest('hex');
      if (got !== pin.sha256.toLowerCase()) return `SHA-256 ${got} does not match the pinned ${pin.sha256}`;
    }
    if (pin.md5) {
      const got = md5.digest('hex');
      if (got !== pin.md5.toLowerCase()) return `MD5 ${got} does not match the published ${pin.md5}`;
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** One attempt: appends what the server sends to `part`; resolves when the body ended normally. */
async function attempt(url: string, part: string, opts: DownloadOptions, from?: string, redirects = 5): Promise<void> {
  checkTransport(url, opts, from);
  const most = opts.pin?.size ?? MAX_DOWNLOAD_BYTES;
  let have = existsSync(part) ? statSync(part).size : 0;
  if (have > most) { rmSync(part, { force: true }); have = 0; } // a part longer than the file: start afresh
  const res = await request(url, have ? { Range: `bytes=${have}-` } : {}, opts.signal);
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location) {
    res.resume();
    if (!redirects) throw new DownloadError('http', url, 'too many redirects');
    return attempt(new URL(res.headers.location, url).toString(), part, opts, url, redirects - 1);
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
  if (total !== undefined && total > most) {
    res.resume();
    throw new DownloadError('checksum', url, opts.pin?.size !== undefined ? `the server sends ${total} bytes, the catalog pins ${opts.pin.size}` : `the server sends ${total} bytes, more than the ${MAX_DOWNLOAD_BYTES} a download may have`);
  }
  const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
  try {
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > most) {
          // Rejects before destroying: destroying emits 'aborted', which would reject as a network fault.
          reject(new DownloadError('checksum', url, `received more than the ${most} bytes ${opts.pin?.size !== undefined ? 'the catalog pins' : 'a download may have'}`));
          res.destroy();
          return;
        }
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
 * `retries` times. A cancel (AbortSignal) keeps the partial file for a later resume. A file that does not
 * match `opts.pin` is deleted.
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
      if (e instanceof DownloadError && e.code === 'checksum') rmSync(part, { force: true });
      const retryable = e instanceof DownloadError ? e.code === 'network' : true;
      if (!retryable || tries >= retries) throw e instanceof DownloadError ? e : new DownloadError('network', url, (e as Error).message);
    }
  }
  const wrong = opts.pin ? await verifyFile(part, opts.pin) : undefined;
  if (wrong) {
    rmSync(part, { force: true });
    throw new DownloadError('checksum', url, `${wrong}; the file was deleted`);
  }
  renameSync(part, opts.dest);
  return { file: opts.dest, bytes: statSync(opts.dest).size };
}
