/**
 * Error in ulps: how many representable doubles lie between a and b. Each double's bits are mapped
 * to an ordered integer (negative numbers mirrored), so the count is right across zero and the
 * subnormals; +0 and −0 are the same point (distance 0). NaN vs NaN is 0, NaN vs a number ∞.
 */
const buf = new DataView(new ArrayBuffer(8));

function ordered(x: number): bigint {
  buf.setFloat64(0, x);
  const bits = buf.getBigInt64(0);
  // sign bit set: mirror the magnitude below zero (−0 ↦ 0, −min subnormal ↦ −1, …)
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

export function ulpDistance(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  const d = ordered(a) - ordered(b);
  return Number(d < 0n ? -d : d);
}
