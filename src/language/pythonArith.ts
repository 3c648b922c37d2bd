/**
 * Python's arithmetic on two literal numbers, as the hover recogniser and the model reader fold
 * constant expressions (`28 * 28`, `WIDTH // 2`, `1 / 3`). `//` and `%` floor as Python does
 * (−7 // 2 = −4, −7 % 3 = 2). Anything else, or a non-finite result, is `undefined`: not a literal.
 */
export function pythonBinaryOp(op: string | undefined, a: number, b: number): number | undefined {
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      r = a / b;
      break;
    case '//':
      r = Math.floor(a / b);
      break;
    case '%':
      r = a - b * Math.floor(a / b);
      break;
    case '**':
      r = a ** b;
      break;
    default:
      return undefined;
  }
  return Number.isFinite(r) ? r : undefined;
}
