import { describe, expect, it } from 'vitest';
import { LOAD_KERNELS_WASM } from '../../../lambdas/core/tickets/load-kernels.wasm.ts';
import { assembleLoadKernels } from '../../../scripts/build-load-kernels.mjs';

describe('the committed model-load WebAssembly', () => {
  it('is the assembled load-kernels.wat (run scripts/build-load-kernels.mjs after editing it)', async () => {
    expect(LOAD_KERNELS_WASM).toBe(await assembleLoadKernels());
  });
});
