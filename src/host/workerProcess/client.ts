/**
 * Starts the worker process and talks to it. Deliberately free of `vscode` imports so that it can be
 * tested against a real forked worker under plain Node; the extension wires its callbacks to the UI.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError,
  type MessageConnection, type RequestType,
} from 'vscode-jsonrpc/node';
import { Initialize, PROTOCOL_VERSION, WorkerErrorCode, workProgress, type WorkDoneParams, type WorkProgress } from '../../protocol/messages';

export type WorkerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';
export type LogLevel = 'info' | 'warn' | 'error';

export interface WorkerClientOptions {
  /** The worker bundle (`dist/worker/main.js`). */
  workerPath: string;
  /** Node binary to run it with; default: the current process's (Electron's Node in VS Code). */
  execPath?: string;
  /** Node options for the worker; default none (the host's own flags, e.g. an inspector port, must not leak). */
  execArgv?: string[];
  /** Extra environment variables for the worker (e.g. `SYNOPS_NATIVE_DIR`). */
  env?: Record<string, string>;
  log: (level: LogLevel, message: string) => void;
  onState?: (state: WorkerState, detail?: string) => void;
  /** Called when the worker died unexpectedly; `restartInMs` is undefined when it will not be restarted. */
  onCrash?: (info: { code: number | null; signal: string | null; attempt: number; restartInMs?: number }) => void;
  /** Delays before successive restarts; after the last one the client gives up. */
  backoffMs?: number[];
  /** A worker that stayed up this long resets the backoff. */
  stableAfterMs?: number;
  client?: string;
}

/** A request failed in the worker or the worker went away; `code` is a `WorkerErrorCode`. */
export class WorkerError extends Error {
  /** The error's `data`: for `BadInput`, the place to fix (`BadInputPlace`). */
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (p: WorkProgress) => void;
}

let nextProgressToken = 1;

export class WorkerClient {
  private child?: ChildProcess;
  private connection?: MessageConnection;
  private ready?: Promise<Initialize.Result>;
  private state: WorkerState = 'stopped';
  private crashes = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private disposed = false;
  private readonly backoff: number[];

  constructor(private readonly options: WorkerClientOptions) {
    this.backoff = options.backoffMs ?? [500, 1000, 2000, 4000, 8000];
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get currentState(): WorkerState {
    return this.state;
  }

  /** Starts the worker (if not running) and resolves once the version handshake is done. */
  start(): Promise<Initialize.Result> {
    if (this.disposed) return Promise.reject(new WorkerError(WorkerErrorCode.Internal, 'worker client disposed'));
    if (!this.ready) this.ready = this.spawn();
    return this.ready;
  }

  /** Sends a request once the worker is ready; rejects with a `WorkerError`. */
  async request<P extends WorkDoneParams, R>(type: RequestType<P, R, void>, params: P, opts: RequestOptions = {}): Promise<R> {
    await this.start();
    const connection = this.connection;
    if (!connection) throw new WorkerError(WorkerErrorCode.Internal, 'worker is not running');
    if (opts.signal?.aborted) throw new WorkerError(WorkerErrorCode.Cancelled, `${type.method} cancelled`);
    const source = new CancellationTokenSource();
    const onAbort = (): void => source.cancel();
    opts.signal?.addEventListener('abort', onAbort);
    let progressSub: { dispose(): void } | undefined;
    const sent = { ...params };
    if (opts.onProgress) {
      const token = `p${process.pid}-${nextProgressToken++}`;
      progressSub = connection.onProgress(workProgress, token, opts.onProgress);
      sent.progressToken = token;
    }
    try {
      return await connection.sendRequest(type, sent, source.token);
    } catch (e) {
      if (e instanceof ResponseError) throw new WorkerError(e.code, e.message, e.data);
      throw new WorkerError(WorkerErrorCode.Internal, `${type.method}: ${(e as Error).message}`);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      progressSub?.dispose();
      source.dispose();
    }
  }

  /** Stops the worker for good. */
  dispose(): void {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.setState('stopped');
    this.teardown();
  }

  private setState(state: WorkerState, detail?: string): void {
    this.state = state;
    this.options.onState?.(state, detail);
  }

  private spawn(): Promise<Initialize.Result> {
    this.setState(this.crashes ? 'restarting' : 'starting');
    const child = fork(this.options.workerPath, [], {
      execPath: this.options.execPath,
      execArgv: this.options.execArgv ?? [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Inside VS Code, process.execPath is Electron: this makes it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...this.options.env },
    });
    this.child = child;
    this.startedAt = Date.now();
    const forward = (level: LogLevel) => (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.options.log(level, `[worker ${child.pid}] ${line}`);
    };
    child.stdout?.on('data', forward('info'));
    child.stderr?.on('data', forward('info'));
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onError(([err]) => this.options.log('error', `worker connection error: ${err.message}`));
    this.connection = connection;
    connection.listen();

    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        reject(new WorkerError(WorkerErrorCode.Internal, `worker exited during start-up (code ${code}, signal ${signal})`));
        this.onExit(child, code, signal);
      });
      child.once('error', (err) => reject(new WorkerError(WorkerErrorCode.Internal, `cannot start worker: ${err.message}`)));
    });
    exited.catch(() => undefined);
    const handshake = connection
      .sendRequest(Initialize.type, { protocolVersion: PROTOCOL_VERSION, client: this.options.client ?? 'synops-studio' })
      .catch((e: unknown) => {
        throw e instanceof ResponseError ? new WorkerError(e.code, e.message) : e;
      });
    return Promise.race([handshake, exited]).then((result) => {
      this.options.log('info', `worker ${result.workerVersion} ready: pid ${result.pid}, node ${result.node}, protocol ${result.protocolVersion}`);
      this.setState('ready');
      return result;
    });
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (child !== this.child) return;
    this.teardown();
    if (this.disposed) return;
    if (Date.now() - this.startedAt > (this.options.stableAfterMs ?? 60_000)) this.crashes = 0;
    this.crashes++;
    const delay = this.backoff[this.crashes - 1];
    this.options.log('error', `worker ${child.pid} exited unexpectedly (code ${code}, signal ${signal}); ${delay === undefined ? 'giving up after repeated crashes' : `restart ${this.crashes} in ${delay} ms`}`);
    this.options.onCrash?.({ code, signal, attempt: this.crashes, restartInMs: delay });
    if (delay === undefined) {
      this.setState('failed', `the worker crashed ${this.crashes} times in a row`);
      this.ready = Promise.reject(new WorkerError(WorkerErrorCode.Internal, 'the SynOps worker keeps crashing; see the log'));
      this.ready.catch(() => undefined);
      return;
    }
    this.setState('restarting');
    // Requests made while the worker is down wait for the restarted one.
    this.ready = new Promise((resolve, reject) => {
      this.restartTimer = setTimeout(() => { this.ready = this.spawn(); this.ready.then(resolve, reject); }, delay);
    });
    this.ready.catch(() => undefined);
  }

  private teardown(): void {
    const { child, connection } = this;
    this.connection = undefined;
    this.child = undefined;
    connection?.dispose();
    if (child && child.exitCode === null && child.signalCode === null) child.kill();
    if (!this.disposed && this.state !== 'failed') this.ready = undefined;
  }
}
