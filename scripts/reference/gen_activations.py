#!/usr/bin/env python3
"""Makes test/reference/activations.json: the exact value of every activation and its derivative at
fixed points, rounded once to float64, beside what PyTorch (float64, autograd) returns there.

Truth: mpmath through cancellation-free formulas — σ′ = σ(x)σ(−x), 1 − tanh² = sech², Φ by erfc,
(1 + tanh z)/2 = σ(2z), log1p/expm1, extra digits for x − tanh x near 0. Every point is evaluated
at 80 and again at 160 significant digits; both must round to the same double (sign of zero
included) or the script fails, so no value rests on a cancellation the working precision hid.
±Infinity takes the limit (evaluated at ±1e400, which no double reaches, so the rounding keeps the
side the limit is approached from: gelu(−∞) = −0); NaN gives NaN; at a kink f′ is null.

The cases (id, params) and the x points are read from an existing file of this format, by default the
output itself (so the script regenerates in place); the values are all computed here.

  /usr/bin/python3 scripts/reference/gen_activations.py [--points-from FILE] [--out FILE]
Needs Debian's python3-mpmath and python3-torch (1.13).
"""
import argparse
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
from mpmath import expm1, log1p, mp, mpf, sqrt, pi, tanh, cosh, exp, erfc

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', '..', 'test', 'reference', 'activations.json')
DIGITS = (80, 160)
HUGE = '1e400'  # stands for ±Infinity: beyond every double, so rounding gives the limit


# ---- cancellation-free building blocks (all take and return mpf at the current precision) ----

def sig(x):
    if x >= 0:
        return 1 / (1 + exp(-x))
    e = exp(x)
    return e / (1 + e)


def dsig(x):
    return sig(x) * sig(-x)


def sech2(x):
    return 1 / cosh(x) ** 2


def softplus(x):
    return log1p(exp(x)) if x < 0 else x + log1p(exp(-x))


def npdf(x):
    return exp(-x * x / 2) / sqrt(2 * pi)


def erfc_pos_large(t):
    """erfc(t) for t ≥ 1e5 by its asymptotic series (mpmath's erfc overflows a float there).

    The terms shrink by at least 1/(2t²) < 5e-11 each, so the series is summed until a term falls
    below the working precision; its truncation error is below the first omitted term."""
    s = mpf(1)
    term = mpf(1)
    n = 1
    eps = mpf(10) ** (-(mp.dps + 10))
    while True:
        term *= -(2 * n - 1) / (2 * t * t)
        s += term
        if abs(term) < eps:
            break
        n += 1
    return exp(-t * t) / (t * sqrt(pi)) * s


def ncdf(x):
    """Φ(x) = erfc(−x/√2)/2: no 1 + erf cancellation on the left."""
    t = -x / sqrt(2)
    if abs(t) < 100000:
        return erfc(t) / 2
    if t > 0:
        return erfc_pos_large(t) / 2
    return 1 - erfc_pos_large(-t) / 2


# Decimal constants stay strings and become mpf at the working precision where used (an mpf made at
# import time would be rounded to mpmath's default 53 bits, i.e. to the double).
GELU_A = '0.044715'
QUICK = '1.702'
SELU_SCALE = '1.0507009873554804934193349852946'
SELU_ALPHA = '1.6732632423543772848170429916717'


def gelu_tanh_parts(x):
    k = sqrt(2 / pi)
    a = mpf(GELU_A)
    v = 2 * k * (x + a * x ** 3)  # (1 + tanh z)/2 = σ(2z)
    dv = 2 * k * (1 + 3 * a * x ** 2)
    return v, dv


def tanhshrink(x):
    if x == 0:
        return mpf(0)
    # x − tanh x ≈ x³/3 near 0: the subtraction loses about −2·log10|x| digits, so add them.
    extra = int(max(0, -2 * float(mp.log10(abs(x))))) + 10
    with mp.workdps(mp.dps + extra):
        return +(x - tanh(x))


def mish_parts(x):
    sp = softplus(x)
    return tanh(sp), sech2(sp)


def step(x, at, below, above):
    """A piecewise value; None at the kink itself."""
    if x == at:
        return None
    return below if x < at else above


# Each entry: (f(x, p), f′(x, p) or None at a kink). p holds the params as mpf (exact doubles).
def selu_s():
    return mpf(SELU_SCALE)


def selu_a():
    return mpf(SELU_ALPHA)


def relu_df(x, p):
    return step(x, 0, mpf(0), mpf(1))


def leaky_df(x, p):
    return step(x, 0, p['negative_slope'], mpf(1))


def elu_df(x, p):
    if x > 0:
        return mpf(1)
    if x == 0 and p['alpha'] != 1:
        return None  # α·eˣ meets 1 only when α = 1
    return p['alpha'] * exp(x)


def clamp_df(x, lo, hi):
    if x == lo or x == hi:
        return None
    return mpf(1) if lo < x < hi else mpf(0)


def hardswish_f(x, p):
    if x <= -3:
        return mpf(0)
    if x >= 3:
        return x
    return x * (x + 3) / 6


def hardswish_df(x, p):
    if x == -3 or x == 3:
        return None
    if x < -3:
        return mpf(0)
    if x > 3:
        return mpf(1)
    return (2 * x + 3) / 6


def shrink_df(x, lambd):
    if abs(x) == lambd:
        return None
    return mpf(1) if abs(x) > lambd else mpf(0)


def softshrink_f(x, lambd):
    if x > lambd:
        return x - lambd
    if x < -lambd:
        return x + lambd
    return mpf(0)


def hardsigmoid_df(x):
    d = clamp_df(x, -3, 3)
    return None if d is None else d / 6


def quick_gelu_df(x):
    q = mpf(QUICK)
    return sig(q * x) + q * x * dsig(q * x)


def gelu_tanh_df(x):
    v, dv = gelu_tanh_parts(x)
    return sig(v) + x * dsig(v) * dv


def mish_df(x):
    t, s2 = mish_parts(x)
    return t + x * sig(x) * s2


FUNCS = {
    'sigmoid': (lambda x, p: sig(x), lambda x, p: dsig(x)),
    'tanh': (lambda x, p: tanh(x), lambda x, p: sech2(x)),
    'relu': (lambda x, p: x if x > 0 else mpf(0), relu_df),
    'leaky_relu': (lambda x, p: x if x > 0 else p['negative_slope'] * x, leaky_df),
    'elu': (lambda x, p: x if x > 0 else p['alpha'] * expm1(x), elu_df),
    'celu': (lambda x, p: x if x > 0 else p['alpha'] * expm1(x / p['alpha']),
             lambda x, p: mpf(1) if x > 0 else exp(x / p['alpha'])),
    'selu': (lambda x, p: selu_s() * x if x > 0 else selu_s() * selu_a() * expm1(x),
             lambda x, p: step(x, 0, selu_s() * selu_a() * exp(x), selu_s())),
    'gelu': (lambda x, p: x * ncdf(x), lambda x, p: ncdf(x) + x * npdf(x)),
    'gelu_tanh': (lambda x, p: x * sig(gelu_tanh_parts(x)[0]), lambda x, p: gelu_tanh_df(x)),
    'softplus': (lambda x, p: softplus(x), lambda x, p: sig(x)),
    'silu': (lambda x, p: x * sig(x), lambda x, p: sig(x) + x * dsig(x)),
    'mish': (lambda x, p: x * mish_parts(x)[0], lambda x, p: mish_df(x)),
    'softsign': (lambda x, p: x / (1 + abs(x)), lambda x, p: 1 / (1 + abs(x)) ** 2),
    'hardtanh': (lambda x, p: min(max(x, mpf(-1)), mpf(1)), lambda x, p: clamp_df(x, -1, 1)),
    'relu6': (lambda x, p: min(max(x, mpf(0)), mpf(6)), lambda x, p: clamp_df(x, 0, 6)),
    'hardsigmoid': (lambda x, p: min(max(x + 3, mpf(0)), mpf(6)) / 6,
                    lambda x, p: hardsigmoid_df(x)),
    'hardswish': (hardswish_f, hardswish_df),
    'logsigmoid': (lambda x, p: -softplus(-x), lambda x, p: sig(-x)),
    'tanhshrink': (lambda x, p: tanhshrink(x), lambda x, p: tanh(x) ** 2),
    'softshrink': (lambda x, p: softshrink_f(x, mpf(0.5)), lambda x, p: shrink_df(x, mpf(0.5))),
    'hardshrink': (lambda x, p: x if abs(x) > mpf(0.5) else mpf(0),
                   lambda x, p: shrink_df(x, mpf(0.5))),
    'quick_gelu': (lambda x, p: x * sig(mpf(QUICK) * x), lambda x, p: quick_gelu_df(x)),
}

TORCH = {
    'sigmoid': lambda x, p: torch.sigmoid(x),
    'tanh': lambda x, p: torch.tanh(x),
    'relu': lambda x, p: F.relu(x),
    'leaky_relu': lambda x, p: F.leaky_relu(x, p['negative_slope']),
    'elu': lambda x, p: F.elu(x, p['alpha']),
    'celu': lambda x, p: F.celu(x, p['alpha']),
    'selu': lambda x, p: F.selu(x),
    'gelu': lambda x, p: F.gelu(x),
    'gelu_tanh': lambda x, p: F.gelu(x, approximate='tanh'),
    'softplus': lambda x, p: F.softplus(x),
    'silu': lambda x, p: F.silu(x),
    'mish': lambda x, p: F.mish(x),
    'softsign': lambda x, p: F.softsign(x),
    'hardtanh': lambda x, p: F.hardtanh(x),
    'relu6': lambda x, p: F.relu6(x),
    'hardsigmoid': lambda x, p: F.hardsigmoid(x),
    'hardswish': lambda x, p: F.hardswish(x),
    'logsigmoid': lambda x, p: F.logsigmoid(x),
    'tanhshrink': lambda x, p: F.tanhshrink(x),
    'softshrink': lambda x, p: F.softshrink(x),
    'hardshrink': lambda x, p: F.hardshrink(x),
}


def to_double(v):
    """Round an mpf to the nearest double once (ties to even, subnormals and overflow included).

    Python's int / int true division is correctly rounded, so the exact binary value man·2^exp
    goes through it; magnitudes far outside the double range are settled before building ints."""
    if v is None:
        return None
    if mp.isnan(v):
        return math.nan
    if mp.isinf(v):
        return math.inf if v > 0 else -math.inf
    sign, man, e, bc = v._mpf_
    if man == 0:
        return 0.0
    neg = -1 if sign else 1
    if bc + e > 1026:
        return neg * math.inf
    if bc + e < -1080:  # below half the smallest subnormal: rounds to a signed zero
        return neg * 0.0
    try:
        if e >= 0:
            return float(neg * (man << e))
        return neg * man / (1 << -e)
    except OverflowError:
        return neg * math.inf


def same_double(a, b):
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def decode(v):
    return float(v) if isinstance(v, str) else v


def encode(v):
    if v is None:
        return None
    if math.isnan(v):
        return 'NaN'
    if math.isinf(v):
        return 'Infinity' if v > 0 else '-Infinity'
    return v


def truth(label, fn, x0, params):
    """fn at the double x0, correctly rounded, agreeing at 80 and 160 digits."""
    if math.isnan(x0):
        return math.nan
    got = []
    for dps in DIGITS:
        with mp.workdps(dps):
            x = mpf(HUGE) if x0 == math.inf else -mpf(HUGE) if x0 == -math.inf else mpf(x0)
            p = {k: mpf(v) for k, v in params.items()}
            r = fn(x, p)
            got.append(None if r is None else to_double(+mpf(r)))
    if not same_double(got[0], got[1]):
        raise SystemExit(f'{label} at x={x0!r} {params}: {got[0]!r} at {DIGITS[0]} digits, '
                         f'{got[1]!r} at {DIGITS[1]}: needs a better formula')
    return got[0]


def torch_values(case_id, params, xs):
    fn = TORCH.get(case_id)
    if fn is None:
        return None, None
    x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    y = fn(x, params)
    y.backward(torch.ones_like(y))
    return [encode(v) for v in y.detach().tolist()], [encode(v) for v in x.grad.tolist()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--points-from', default=DEFAULT_OUT,
                    help='file of this format whose ids, params and x points are used')
    ap.add_argument('--out', default=DEFAULT_OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    with open(args.points_from) as fh:
        src = json.load(fh)
    cases = []
    for c in src['cases']:
        if c['id'] not in FUNCS:
            raise SystemExit(f'no formula for {c["id"]}')
        f_fn, df_fn = FUNCS[c['id']]
        xs = [decode(v) for v in c['x']]
        f = [encode(truth(c['id'], f_fn, x0, c['params'])) for x0 in xs]
        df = [encode(truth(c['id'] + "'", df_fn, x0, c['params'])) for x0 in xs]
        out = {'id': c['id'], 'params': c['params'], 'x': [encode(v) for v in xs], 'f': f, 'df': df}
        tf, tdf = torch_values(c['id'], c['params'], xs)
        if tf is not None:
            out['torch_f'], out['torch_df'] = tf, tdf
        cases.append(out)
        print(f'{c["id"]} {c["params"]}: {len(xs)} points', file=sys.stderr)
    doc = {
        'source': 'scripts/reference/gen_activations.py: mpmath 80 digits, cancellation-free formulas, '
                  f'cross-checked at 160, rounded once to float64; torch {torch.__version__} float64 autograd',
        'cases': cases,
    }
    tmp = args.out + '.tmp'
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(tmp, 'w') as fh:
        fh.write('{"source": ' + json.dumps(doc['source']) + ', "cases": [\n')
        fh.write(',\n'.join(json.dumps(c, allow_nan=False) for c in cases))
        fh.write('\n]}\n')
    os.replace(tmp, args.out)


if __name__ == '__main__':
    main()
