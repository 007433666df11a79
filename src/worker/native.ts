import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tryLoadTfjsNode } from '../core/train/backend';
import type { InstallNative } from '../protocol/messages';
import { BadInputError, type HandlerContext } from './handlers';

const TFJS_NODE_VERSION = '4.22.0';

/** Runs `npm install` for tfjs-node into `dir`, streaming npm's lines as progress; cancel kills npm. */
export async function installNative(params: InstallNative.Params, ctx: HandlerContext): Promise<InstallNative.Result> {
  mkdirSync(params.dir, { recursive: true });
  const pkg = `@tensorflow/tfjs-node@${params.version ?? TFJS_NODE_VERSION}`;
  const args = ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', params.dir, pkg, ...(params.registry ? ['--registry', params.registry] : [])];
  const tail: string[] = [];
  /** npm's lines that say what went wrong (its error code, the failed request), kept apart from the noise. */
  const causes: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const npm = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd: params.dir, env: { ...process.env, npm_config_yes: 'true' } });
    const onLine = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean)) {
        tail.push(line);
        if (tail.length > 12) tail.shift();
        if (causes.length < 3 && /error (code|errno|syscall)|request to |E[A-Z]{3,}/.test(line)) causes.push(line);
        ctx.progress({ message: line.slice(0, 120) });
      }
    };
    npm.stdout.on('data', onLine);
    npm.stderr.on('data', onLine);
    npm.on('error', (e) => reject(new BadInputError(`cannot run npm to install ${pkg}: ${e.message}; install Node.js with npm, or install it by hand into ${params.dir}`)));
    npm.on('close', resolve);
    ctx.signal.addEventListener('abort', () => npm.kill());
  });
  if (ctx.signal.aborted) throw new DOMException('cancelled', 'AbortError');
  if (code !== 0) throw new BadInputError(`npm install ${pkg} into ${params.dir} failed (exit ${code}): ${(causes.length ? causes : tail.slice(-4)).join(' | ')}`);
  const load = tryLoadTfjsNode(params.dir);
  return { dir: params.dir, loads: load.ok, why: load.why };
}
