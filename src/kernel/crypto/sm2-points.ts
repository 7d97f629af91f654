import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The part of an SM2 signature that does not depend on the message: a fresh k and the x of k·G. */
export interface SignaturePoint {
  k: bigint;
  x1: bigint;
}

/** Ask for more points when fewer than this are left; each request brings BATCH. */
const LOW = 128;
const BATCH = 256;
/**
 * Signatures a second from which points are made ahead. Below it (a hub signing its ledger's
 * heads now and then) no worker runs: measured, a hub with the worker running answered
 * verifications and lookups, which sign nothing, markedly slower (docs/licence.md).
 */
const BUSY = 50;

/**
 * The worker's code, run as a script (eval) so that it needs no file of its own beside the
 * compiled or the TypeScript source: sm-crypto-v2 (its CommonJS build) makes each point exactly
 * as it does inside a signature, with its own random k.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { sm2 } = require(workerData.library);
parentPort.on('message', (n) => {
  const points = [];
  for (let i = 0; i < n; i++) {
    const p = sm2.getPoint();
    points.push({ k: p.k, x1: p.x1 });
  }
  parentPort.postMessage(points);
});`;

/**
 * Points for SM2 signatures made ahead on a worker thread. The scalar multiplication k·G is about
 * three quarters of a signature's cost in JavaScript (≈ 250 of 330 µs here); made on another
 * thread, a signature on the event loop is left with a few modular operations on the message's
 * digest. Each point is taken once and never used again (a k used twice would give the key away).
 * Until the first batch arrives, or if the worker fails, signatures make their own point as before.
 * The worker is started by the first signature and does not keep the process alive.
 */
export class SignaturePoints {
  private readonly points: SignaturePoint[] = [];
  private worker: Worker | null = null;
  private asking = false;
  private failed = false;
  /** Signatures counted in the second that began at `since`; `busy`: the last second had BUSY or more. */
  private since = 0;
  private count = 0;
  private busy = false;

  /** One point, or none (the signature makes its own). */
  take(): SignaturePoint[] {
    const now = Date.now();
    if (now - this.since >= 1000) {
      this.busy = this.count >= BUSY && now - this.since < 2000;
      this.since = now;
      this.count = 0;
    }
    this.count++;
    const point = this.points.pop();
    if (this.busy && this.points.length < LOW) this.ask();
    return point ? [point] : [];
  }

  private ask(): void {
    if (this.asking || this.failed) return;
    const worker = this.worker ?? this.start();
    if (!worker) return;
    this.asking = true;
    worker.postMessage(BATCH);
  }

  private start(): Worker | null {
    try {
      const library = createRequire(import.meta.url).resolve('sm-crypto-v2');
      const worker = new Worker(WORKER, { eval: true, workerData: { library } });
      worker.on('message', (points: SignaturePoint[]) => {
        this.points.push(...points);
        this.asking = false;
      });
      worker.on('error', () => this.stop());
      worker.on('exit', () => this.stop());
      // After the listeners: adding one refs the worker again, and the process would never end.
      worker.unref();
      this.worker = worker;
      return worker;
    } catch {
      this.failed = true;
      return null;
    }
  }

  private stop(): void {
    this.worker = null;
    this.asking = false;
    this.failed = true;
  }
}
