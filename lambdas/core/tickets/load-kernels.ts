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
 * An arena hands out byte ranges of one memory of a size fixed up front (see `create`). Without WebAssembly
 * (`node --jitless`) `LoadArena.create` gives undefined and the load uses the JavaScript loops, which give the
 * same numbers; so does an input that does not fit (only a defective file's can be larger than planned).
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
    private readonly size: number,
    readonly run: LoadKernels,
  ) {}

  /**
   * An arena of `bytes`, or undefined without WebAssembly. It never grows: growing a WebAssembly memory
   * detaches its old buffer, and the first detached buffer of a process makes V8 check every typed-array
   * access of optimised code for detachment from then on (its "detaching protector"): classify() was 6 %
   * slower after one. So the caller sizes it for everything up front; pages never touched cost nothing.
   */
  static create(bytes: number): LoadArena | undefined {
    const module = kernelModule();
    if (module === null) return undefined;
    const size = Math.ceil(Math.max(1, bytes) / PAGE) * PAGE;
    const memory = new WebAssembly.Memory({ initial: size / PAGE, maximum: size / PAGE });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new LoadArena(memory, size, instance.exports as unknown as LoadKernels);
  }

  /** Whether `bytes` more fit, in as many ranges as `ranges` (each may lose up to 63 bytes to alignment). */
  fits(bytes: number, ranges = 1): boolean {
    return this.used + bytes + ranges * ALIGN <= this.size;
  }

  /** A new range of `bytes` zero bytes; its address. Check `fits` first: the arena does not grow. */
  alloc(bytes: number): number {
    const reused = this.highWater;
    const at = this.range(bytes);
    // Memory never used is zero already (zeroing it would fault its pages in for nothing); released memory is not.
    if (at < reused) new Uint8Array(this.memory.buffer, at, Math.min(bytes, reused - at)).fill(0);
    return at;
  }

  /** A copy of `bytes` in the arena; its address. Check `fits` first. */
  copyIn(bytes: Uint8Array): number {
    const at = this.range(bytes.length);
    new Uint8Array(this.memory.buffer, at, bytes.length).set(bytes);
    return at;
  }

  private range(bytes: number): number {
    const at = Math.ceil(this.used / ALIGN) * ALIGN;
    if (at + bytes > this.size) throw new Error('internal: the load arena is too small');
    this.used = at + bytes;
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
