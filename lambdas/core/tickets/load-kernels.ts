/**
 * Where a model load puts what it decodes, and the WebAssembly loops that decode it (load-kernels.wat).
 *
 * Why: a fresh process (a Lambda cold start, `ai-ops tickets classify`) runs the load's loops once each, over
 * 10^5 items, and V8 optimises a JavaScript loop only after it has run a while in the interpreter: the vocabulary,
 * the heads' scatter and the word-cluster checks cost about 20 ms of a 45 ms load that way (1–3 ms once warm).
 * WebAssembly is compiled before its first call. Its loops can only reach their own memory, so the load copies a
 * section in (a memcpy) and the decoded tables live there; the memory is the model's, as the aligned weight
 * tables already were.
 *
 * An arena hands out byte ranges of one memory and grows it when needed, which detaches every earlier view of
 * its buffer: callers keep offsets, and make views (`int16`, …) only once nothing more is allocated, or just
 * before use. Without WebAssembly (`node --jitless`) `LoadArena.create` gives undefined and the load uses the
 * JavaScript loops, which give the same numbers.
 */
import { LOAD_KERNELS_WASM } from './load-kernels.wasm.ts';

/** The functions of load-kernels.wat (addresses and lengths in bytes; see there). */
export interface LoadKernels {
  bitmap(src: number, words: number, dst: number): number;
  scatter(
    slots: number,
    end: number,
    data: number,
    shifts: number,
    count: number,
    K: number,
    max: number,
    w: number,
    stride: number,
    copy: number,
    copyStride: number,
  ): number;
  starts(counts: number, n: number, starts: number): number;
  checkKeys(keys: number, words: number, starts: number, n: number, shift: number): number;
  largest16(at: number, n: number): number;
}

const PAGE = 65_536;
/** Start of every range: a cache line, so weight rows of 16, 32 or 64 bytes never straddle one. */
const ALIGN = 64;

/** The compiled module (once per process), or null where WebAssembly is missing or refuses it. */
let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled =
        typeof WebAssembly === 'object' && typeof WebAssembly.Module === 'function'
          ? new WebAssembly.Module(Buffer.from(LOAD_KERNELS_WASM, 'base64'))
          : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export class LoadArena {
  private used = 0;
  /** The end of the furthest range ever allocated: memory beyond it has never been written. */
  private highWater = 0;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    readonly run: LoadKernels,
  ) {}

  /** An arena of about `bytes` to start with, or undefined without WebAssembly. */
  static create(bytes: number): LoadArena | undefined {
    const module = kernelModule();
    if (module === null) return undefined;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new LoadArena(memory, instance.exports as unknown as LoadKernels);
  }

  /** A new range of `bytes` zero bytes; its address. */
  alloc(bytes: number): number {
    const reused = this.highWater;
    const at = this.range(bytes);
    // Memory never used is zero already (zeroing it would fault its pages in for nothing); released memory is not.
    if (at < reused) new Uint8Array(this.memory.buffer, at, Math.min(bytes, reused - at)).fill(0);
    return at;
  }

  /** A copy of `bytes` in the arena; its address. */
  copyIn(bytes: Uint8Array): number {
    const at = this.range(bytes.length);
    new Uint8Array(this.memory.buffer, at, bytes.length).set(bytes);
    return at;
  }

  private range(bytes: number): number {
    const at = Math.ceil(this.used / ALIGN) * ALIGN;
    this.used = at + bytes;
    const pages = Math.ceil(this.used / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (pages > 0) this.memory.grow(pages);
    this.highWater = Math.max(this.highWater, this.used);
    return at;
  }

  /** Where the next range would start: `release(mark())` after copying inputs in frees them again. */
  mark(): number {
    return this.used;
  }

  /** Frees every range allocated since `mark`, for the next allocations. */
  release(mark: number): void {
    this.used = mark;
  }

  int16(at: number, length: number): Int16Array {
    return new Int16Array(this.memory.buffer, at, length);
  }

  int32(at: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, at, length);
  }

  uint32(at: number, length: number): Uint32Array {
    return new Uint32Array(this.memory.buffer, at, length);
  }

  uint16(at: number, length: number): Uint16Array {
    return new Uint16Array(this.memory.buffer, at, length);
  }
}
