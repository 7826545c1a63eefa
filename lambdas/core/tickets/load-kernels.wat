;; The loops of a ticket model's cold load (load-kernels.ts runs them; `node scripts/build-load-kernels.mjs`
;; turns this file into the bytes there). WebAssembly because these loops run once per process over 10^5 items:
;; as JavaScript they ran mostly in the interpreter before V8 optimised them (about 20 ms of a 45 ms load),
;; whereas WebAssembly is compiled before its first call. Addresses and lengths are in bytes; every function
;; only reads and writes the memory the caller gave it, and reports a defect instead of trapping where it can.
(module
  (import "env" "memory" (memory 1))

  ;; A vocabulary bitmap (`words` little-endian 32-bit words at `src`) into the slot index table at `dst`:
  ;; per word, the slots below it and its bitmap (features.ts, SlotIndex). Returns the number of bits set.
  (func (export "bitmap") (param $src i32) (param $words i32) (param $dst i32) (result i32)
    (local $w i32) (local $bits i32) (local $below i32) (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $w) (local.get $words)))
        (local.set $bits (i32.load (i32.add (local.get $src) (i32.shl (local.get $w) (i32.const 2)))))
        (local.set $at (i32.add (local.get $dst) (i32.shl (local.get $w) (i32.const 3))))
        (i32.store (local.get $at) (local.get $below))
        (i32.store offset=4 (local.get $at) (local.get $bits))
        (local.set $below (i32.add (local.get $below) (i32.popcnt (local.get $bits))))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $next)))
    (local.get $below))

  ;; One head's int8 weights into its columns of one or two weight tables (model.ts, scatterInt8), in one pass
  ;; with the decoding of its slots (varint deltas at `slots`, `end` the first byte after them) and the check
  ;; of its shifts. Slot j's K weights at `data + j * K` go, each shifted left by shift j, to `w + slot *
  ;; stride` and, when `copy` >= 0, to `copy + slot * copyStride` (int16, addresses of the head's first column).
  ;; Returns the bytes of slots read, or -1 (slots truncated), -2 (a slot out of range, repeated, or longer
  ;; than 5 bytes), -3 (a shift above 8); the caller then redoes the head in JavaScript for its exact message.
  (func (export "scatter")
    (param $slots i32) (param $end i32) (param $data i32) (param $shifts i32) (param $count i32) (param $K i32)
    (param $max i32) (param $w i32) (param $stride i32) (param $copy i32) (param $copyStride i32)
    (result i32)
    (local $pos i32) (local $i i32) (local $value i64) (local $delta i64) (local $bit i64) (local $byte i32)
    (local $shift i32) (local $k i32) (local $v i32) (local $row i32) (local $to i32) (local $slot i32)
    (local.set $pos (local.get $slots))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $delta (i64.const 0))
        (local.set $bit (i64.const 0))
        (loop $varint
          (if (i32.ge_u (local.get $pos) (local.get $end)) (then (return (i32.const -1))))
          (if (i64.ge_u (local.get $bit) (i64.const 35)) (then (return (i32.const -2))))
          (local.set $byte (i32.load8_u (local.get $pos)))
          (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
          (local.set $delta
            (i64.or (local.get $delta)
              (i64.shl (i64.extend_i32_u (i32.and (local.get $byte) (i32.const 0x7f))) (local.get $bit))))
          (local.set $bit (i64.add (local.get $bit) (i64.const 7)))
          (br_if $varint (i32.ge_u (local.get $byte) (i32.const 0x80))))
        (local.set $value (i64.add (local.get $value) (local.get $delta)))
        (if (i64.ge_u (local.get $value) (i64.extend_i32_u (local.get $max))) (then (return (i32.const -2))))
        (if (i32.and (i32.ne (local.get $i) (i32.const 0)) (i64.eqz (local.get $delta)))
          (then (return (i32.const -2))))
        (local.set $shift (i32.load8_u (i32.add (local.get $shifts) (local.get $i))))
        (if (i32.gt_u (local.get $shift) (i32.const 8)) (then (return (i32.const -3))))
        (local.set $slot (i32.wrap_i64 (local.get $value)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $slot) (local.get $stride))))
        (local.set $to (i32.add (local.get $copy) (i32.mul (local.get $slot) (local.get $copyStride))))
        (local.set $k (i32.const 0))
        (block $columns
          (loop $column
            (br_if $columns (i32.ge_u (local.get $k) (local.get $K)))
            (local.set $v (i32.shl (i32.load8_s (local.get $data)) (local.get $shift)))
            (i32.store16 (local.get $row) (local.get $v))
            (if (i32.ge_s (local.get $copy) (i32.const 0)) (then (i32.store16 (local.get $to) (local.get $v))))
            (local.set $data (i32.add (local.get $data) (i32.const 1)))
            (local.set $row (i32.add (local.get $row) (i32.const 2)))
            (local.set $to (i32.add (local.get $to) (i32.const 2)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $column)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.sub (local.get $pos) (local.get $slots)))

  ;; Word clusters (word-clusters.ts): `starts` (int32, n + 1) from per-bucket byte counts at `counts` (n).
  ;; Returns the total.
  (func (export "starts") (param $counts i32) (param $n i32) (param $starts i32) (result i32)
    (local $b i32) (local $total i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (i32.store (i32.add (local.get $starts) (i32.shl (local.get $b) (i32.const 2))) (local.get $total))
        (local.set $total
          (i32.add (local.get $total) (i32.load8_u (i32.add (local.get $counts) (local.get $b)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $next)))
    (i32.store (i32.add (local.get $starts) (i32.shl (local.get $n) (i32.const 2))) (local.get $total))
    (local.get $total))

  ;; Word clusters: 0 when the `words` uint32 keys at `keys` ascend strictly and the first and last key of
  ;; every bucket b (rows starts[b]..starts[b + 1], n buckets) have b as their top bits (key >>> `shift`);
  ;; -1 when they do not ascend, 1 when a key is outside its bucket.
  (func (export "checkKeys") (param $keys i32) (param $words i32) (param $starts i32) (param $n i32)
    (param $shift i32) (result i32)
    (local $i i32) (local $b i32) (local $from i32) (local $to i32)
    (local.set $i (i32.const 1))
    (block $ascending
      (loop $next
        (br_if $ascending (i32.ge_u (local.get $i) (local.get $words)))
        (if (i32.le_u
              (i32.load (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 2))))
              (i32.load offset=0 (i32.add (local.get $keys) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 2)))))
          (then (return (i32.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (block $buckets
      (loop $next
        (br_if $buckets (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $from (i32.load (i32.add (local.get $starts) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $to (i32.load offset=4 (i32.add (local.get $starts) (i32.shl (local.get $b) (i32.const 2)))))
        (if (i32.lt_u (local.get $from) (local.get $to))
          (then
            (if (i32.ne
                  (i32.shr_u (i32.load (i32.add (local.get $keys) (i32.shl (local.get $from) (i32.const 2))))
                    (local.get $shift))
                  (local.get $b))
              (then (return (i32.const 1))))
            (if (i32.ne
                  (i32.shr_u
                    (i32.load (i32.add (local.get $keys) (i32.shl (i32.sub (local.get $to) (i32.const 1)) (i32.const 2))))
                    (local.get $shift))
                  (local.get $b))
              (then (return (i32.const 1))))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  ;; The largest of `n` uint16 at `at` (the cluster ids' range check).
  (func (export "largest16") (param $at i32) (param $n i32) (result i32)
    (local $i i32) (local $v i32) (local $max i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $v (i32.load16_u (i32.add (local.get $at) (i32.shl (local.get $i) (i32.const 1)))))
        (if (i32.gt_u (local.get $v) (local.get $max)) (then (local.set $max (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $max))
)
