// The WebAssembly text of the gemm kernels (src/kernel/graph/gemmWasm.ts runs them). Written as a
// generator because the micro-kernel is an unrolled MR×NR tile of SIMD accumulators, one local per
// register, which is unreadable and error-prone by hand. `scripts/gen-gemm-wasm.mjs` assembles it
// with wabt into src/kernel/graph/gemmWasm.generated.ts.
//
// The scheme is GotoBLAS/BLIS: A and B are copied into linear memory, packed into panels of MR rows
// (A) and NR columns (B), k-block by k-block, so that the micro-kernel reads both operands strictly
// sequentially; C is a padded mPad×nPad row-major buffer that the host reads back with alpha/beta.
// Baseline SIMD only (no relaxed FMA: Node 20's V8 does not ship it), so each step is mul + add.

/** Tile and block sizes per dtype: MR rows × NV vectors of accumulators. Measured in Node 20 on
 * the 2-core EPYC (kernel only, 256³): 4×2 gives 53 GFLOP/s f32 / 27 f64, while 6×2, 4×3, 3×4 and
 * 7×2 give 27–35 / 17 (V8 spills the larger tiles out of the 16 xmm registers) and 2×2 or 4×1
 * give 34 / 17. KC = 128 or 512 changed nothing measurable. */
export const PARAMS = {
  f32: { es: 4, lanes: 4, MR: 4, NV: 2, KC: 256, MCP: 16, NCP: 48 },
  f64: { es: 8, lanes: 2, MR: 4, NV: 2, KC: 256, MCP: 16, NCP: 48 },
};

function kernel(t) {
  const p = PARAMS[t];
  const { es, lanes, MR, NV } = p;
  const NR = lanes * NV;
  const vt = t === 'f32' ? 'f32x4' : 'f64x2';
  const splat = t === 'f32' ? 'v128.load32_splat' : 'v128.load64_splat';
  const L = [];
  const acc = (r, v) => `$c${r}_${v}`;
  L.push(
    `(func $kernel_${t} (param $ap i32) (param $bp i32) (param $cp i32) (param $ldc i32) (param $kc i32) (param $acc i32)`,
  );
  const locals = [];
  for (let r = 0; r < MR; r++)
    for (let v = 0; v < NV; v++) locals.push(`(local ${acc(r, v)} v128)`);
  for (let v = 0; v < NV; v++) locals.push(`(local $b${v} v128)`);
  locals.push('(local $a v128) (local $end i32) (local $row i32)');
  L.push('  ' + locals.join(' '));
  L.push(
    `  (local.set $end (i32.add (local.get $bp) (i32.mul (local.get $kc) (i32.const ${NR * es}))))`,
  );
  L.push('  (loop $L');
  for (let v = 0; v < NV; v++)
    L.push(`    (local.set $b${v} (v128.load offset=${v * 16} align=1 (local.get $bp)))`);
  for (let r = 0; r < MR; r++) {
    L.push(`    (local.set $a (${splat} offset=${r * es} align=1 (local.get $ap)))`);
    for (let v = 0; v < NV; v++)
      L.push(
        `    (local.set ${acc(r, v)} (${vt}.add (local.get ${acc(r, v)}) (${vt}.mul (local.get $a) (local.get $b${v}))))`,
      );
  }
  L.push(`    (local.set $ap (i32.add (local.get $ap) (i32.const ${MR * es})))`);
  L.push(`    (local.set $bp (i32.add (local.get $bp) (i32.const ${NR * es})))`);
  L.push('    (br_if $L (i32.lt_u (local.get $bp) (local.get $end))))');
  L.push('  (local.set $row (local.get $cp))');
  L.push('  (if (local.get $acc) (then');
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < NV; v++)
      L.push(
        `    (v128.store offset=${v * 16} align=1 (local.get $row) (${vt}.add (v128.load offset=${v * 16} align=1 (local.get $row)) (local.get ${acc(r, v)})))`,
      );
    if (r < MR - 1) L.push('    (local.set $row (i32.add (local.get $row) (local.get $ldc)))');
  }
  L.push('  ) (else');
  for (let r = 0; r < MR; r++) {
    for (let v = 0; v < NV; v++)
      L.push(`    (v128.store offset=${v * 16} align=1 (local.get $row) (local.get ${acc(r, v)}))`);
    if (r < MR - 1) L.push('    (local.set $row (i32.add (local.get $row) (local.get $ldc)))');
  }
  L.push('  )))');
  return L.join('\n');
}

/** pack_<t>(src, rs, cs, rows, k, R, dst), R·es ∈ {16, 32}: element (r, p) of the source sits at
 * src + (r·rs + p·cs)·es; the packed form is, per k-block of KC, per panel of R rows, the panel's
 * kcb×R elements p-major. Rows past `rows` are zero so the kernel always runs full tiles. */
function pack(t) {
  const { es, KC } = PARAMS[t];
  const ty = t;
  return `
(func (export "pack_${t}") (param $src i32) (param $rs i32) (param $cs i32) (param $rows i32) (param $k i32) (param $R i32) (param $dst i32)
  (local $pc i32) (local $kcb i32) (local $r0 i32) (local $p i32) (local $r i32) (local $rowsPad i32) (local $pp i32) (local $rend i32) (local $full i32)
  (local.set $rowsPad (i32.mul (i32.div_u (i32.add (local.get $rows) (i32.sub (local.get $R) (i32.const 1))) (local.get $R)) (local.get $R)))
  (local.set $pc (i32.const 0))
  (block $doneK (loop $K
    (br_if $doneK (i32.ge_u (local.get $pc) (local.get $k)))
    (local.set $kcb (i32.sub (local.get $k) (local.get $pc)))
    (if (i32.gt_u (local.get $kcb) (i32.const ${KC})) (then (local.set $kcb (i32.const ${KC}))))
    (local.set $r0 (i32.const 0))
    (block $doneR0 (loop $R0
      (br_if $doneR0 (i32.ge_u (local.get $r0) (local.get $rowsPad)))
      (local.set $rend (i32.add (local.get $r0) (local.get $R)))
      (local.set $full (i32.le_u (local.get $rend) (local.get $rows)))
      (local.set $p (local.get $pc))
      (block $doneP (loop $P
        (br_if $doneP (i32.ge_u (local.get $p) (i32.add (local.get $pc) (local.get $kcb))))
        (local.set $pp (i32.add (local.get $src) (i32.mul (i32.add (i32.mul (local.get $r0) (local.get $rs)) (i32.mul (local.get $p) (local.get $cs))) (i32.const ${es}))))
        (local.set $r (local.get $r0))
        (if (i32.and (local.get $full) (i32.eq (local.get $rs) (i32.const 1)))
          (then
            ;; Contiguous rows (B not transposed, Aᵀ): R·es is 16 or 32 bytes, copied as v128.
            (v128.store align=1 (local.get $dst) (v128.load align=1 (local.get $pp)))
            (if (i32.eq (i32.mul (local.get $R) (i32.const ${es})) (i32.const 32))
              (then (v128.store offset=16 align=1 (local.get $dst) (v128.load offset=16 align=1 (local.get $pp)))))
            (local.set $dst (i32.add (local.get $dst) (i32.mul (local.get $R) (i32.const ${es})))))
        (else (if (local.get $full)
          (then
            (loop $Rf
              (${ty}.store (local.get $dst) (${ty}.load (local.get $pp)))
              (local.set $dst (i32.add (local.get $dst) (i32.const ${es})))
              (local.set $pp (i32.add (local.get $pp) (i32.mul (local.get $rs) (i32.const ${es}))))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $Rf (i32.lt_u (local.get $r) (local.get $rend)))))
          (else
            (loop $Rp
              (if (i32.lt_u (local.get $r) (local.get $rows))
                (then (${ty}.store (local.get $dst) (${ty}.load (local.get $pp))))
                (else (${ty}.store (local.get $dst) (${ty}.const 0))))
              (local.set $dst (i32.add (local.get $dst) (i32.const ${es})))
              (local.set $pp (i32.add (local.get $pp) (i32.mul (local.get $rs) (i32.const ${es}))))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $Rp (i32.lt_u (local.get $r) (local.get $rend))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $P)))
      (local.set $r0 (local.get $rend))
      (br $R0)))
    (local.set $pc (i32.add (local.get $pc) (local.get $kcb)))
    (br $K))))`;
}

/** gemm_<t>(pa, pb, pc, mPad, nPad, k, j0, j1, accC): C[:, j0:j1] = packedA · packedB[:, j0:j1]
 * (+= when accC) for NR-aligned j0 < j1 ≤ nPad. Column ranges let two threads share one product without overlap.
 * Loop order jc → pc → ic → jr → ir (GotoBLAS): a block of NC columns of C stays in L2 across the
 * k-blocks; with k-blocks outermost, a wide C (64×8192 f32 is 2 MiB) went through memory once per
 * k-block and the kernel fell from 53 to 16 GFLOP/s. */
function driver(t) {
  const { es, lanes, MR, NV, KC, MCP, NCP } = PARAMS[t];
  const NR = lanes * NV;
  const MC = MR * MCP;
  const NC = NR * NCP;
  return `
(func (export "gemm_${t}") (param $pa i32) (param $pb i32) (param $pc i32) (param $mPad i32) (param $nPad i32) (param $k i32) (param $j0 i32) (param $j1 i32) (param $accC i32)
  (local $p0 i32) (local $kcb i32) (local $jc i32) (local $jend i32) (local $ic i32) (local $iend i32) (local $jr i32) (local $ir i32) (local $ldc i32) (local $aBlk i32) (local $bBlk i32)
  (local.set $ldc (i32.mul (local.get $nPad) (i32.const ${es})))
  (local.set $jc (local.get $j0))
  (block $doneJC (loop $JC
    (br_if $doneJC (i32.ge_u (local.get $jc) (local.get $j1)))
    (local.set $jend (i32.add (local.get $jc) (i32.const ${NC})))
    (if (i32.gt_u (local.get $jend) (local.get $j1)) (then (local.set $jend (local.get $j1))))
    (local.set $p0 (i32.const 0))
    (block $doneK (loop $K
      (br_if $doneK (i32.ge_u (local.get $p0) (local.get $k)))
      (local.set $kcb (i32.sub (local.get $k) (local.get $p0)))
      (if (i32.gt_u (local.get $kcb) (i32.const ${KC})) (then (local.set $kcb (i32.const ${KC}))))
      (local.set $aBlk (i32.add (local.get $pa) (i32.mul (i32.mul (local.get $p0) (local.get $mPad)) (i32.const ${es}))))
      (local.set $bBlk (i32.add (local.get $pb) (i32.mul (i32.mul (local.get $p0) (local.get $nPad)) (i32.const ${es}))))
      (local.set $ic (i32.const 0))
      (block $doneIC (loop $IC
        (br_if $doneIC (i32.ge_u (local.get $ic) (local.get $mPad)))
        (local.set $iend (i32.add (local.get $ic) (i32.const ${MC})))
        (if (i32.gt_u (local.get $iend) (local.get $mPad)) (then (local.set $iend (local.get $mPad))))
        (local.set $jr (local.get $jc))
        (block $doneJR (loop $JR
          (br_if $doneJR (i32.ge_u (local.get $jr) (local.get $jend)))
          (local.set $ir (local.get $ic))
          (block $doneIR (loop $IR
            (br_if $doneIR (i32.ge_u (local.get $ir) (local.get $iend)))
            (call $kernel_${t}
              (i32.add (local.get $aBlk) (i32.mul (i32.mul (local.get $ir) (local.get $kcb)) (i32.const ${es})))
              (i32.add (local.get $bBlk) (i32.mul (i32.mul (local.get $jr) (local.get $kcb)) (i32.const ${es})))
              (i32.add (local.get $pc) (i32.mul (i32.add (i32.mul (local.get $ir) (local.get $nPad)) (local.get $jr)) (i32.const ${es})))
              (local.get $ldc) (local.get $kcb) (i32.or (local.get $accC) (i32.ne (local.get $p0) (i32.const 0))))
            (local.set $ir (i32.add (local.get $ir) (i32.const ${MR})))
            (br $IR)))
          (local.set $jr (i32.add (local.get $jr) (i32.const ${NR})))
          (br $JR)))
        (local.set $ic (local.get $iend))
        (br $IC)))
      (local.set $p0 (i32.add (local.get $p0) (local.get $kcb)))
      (br $K)))
    (local.set $jc (local.get $jend))
    (br $JC))))`;
}

/** The module text; `shared` imports a shared memory (threads) instead of a private one. */
export function gemmWat(shared) {
  const mem = shared
    ? '(import "env" "memory" (memory 1 65536 shared))'
    : '(import "env" "memory" (memory 1))';
  return [
    '(module',
    mem,
    kernel('f32'),
    kernel('f64'),
    pack('f32'),
    pack('f64'),
    driver('f32'),
    driver('f64'),
    ')',
  ].join('\n');
}
