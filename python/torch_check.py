"""Activation Lens: check a model with the real PyTorch, from the user's own interpreter.

Shipped in the .vsix and run by the extension and the CLI (`check --engine torch`); also imported by
scripts/fixtures/real_models.py, which makes the project's fixtures with this same protocol code.

The protocol ("Real models", as the project's reference README states it):

    The model check on a model read from source follows this protocol, so that its numbers can be
    set beside PyTorch's for the same file: build the model by evaluating a call expression
    (`ResNet18()`, `GPT(GPTConfig(n_layer=4))`) with PyTorch's default initialisation plus whatever
    the file's own code applies (`nn.init.*`, `self.apply(self._init_weights)`); training mode;
    input float N(0,1) of the given shape, or token ids uniform in [0, vocab) when the first layer
    is an embedding; loss Σ out ⊙ G with G ~ N(0,1), where out is the forward's output (its first
    element when it returns a tuple). Per leaf module (one with no child modules) that runs once
    per forward: the population std of its output and, when it has a `weight`, ‖∂L/∂weight‖_F.
    Over 20 PyTorch seeds a correct float32 simulation lands within 4 sd + 0.1 of each log10
    mean; single independent PyTorch runs do, module by module.

What runs of the user's file: only its imports, class and function definitions and assignments of
literal constants (numbers, strings, tuples, arithmetic over earlier constants, lambdas, and a few
calls that only build values such as functools.partial). Never its other module-level statements:
training loops, argparse, data-set downloads, `if __name__ == '__main__':`. Sibling modules the file
imports from its own directory tree are filtered the same way. The network is switched off
(socket.connect refuses) so nothing is downloaded.

Order of random draws for a seed s: torch.manual_seed(s) (and random/numpy), build the model (its
init), draw the input, run forward, draw G with the output's shape, backward.

Output: one JSON object on stdout, {"ok": true, "layers": [...], ...} or {"ok": false, "error":
{"kind", "message", "file"?, "line"?}}. Rows carry the simulation's field names: module (the
qualified name from named_modules()), kind, outputShape, line (where the module was constructed in
the user's file), postMean, postStd, weightGradNorm, biasGradNorm, inputGradRms. Exit code 0 when
the check ran, 1 when the model or the file raised, 2 for bad arguments, 3 when torch is missing.
"""

import argparse
import ast
import importlib.abc
import importlib.machinery
import json
import math
import os
import sys
import time
import traceback
import types

# Calls allowed in a module-level assignment: they only build values (no I/O, no training).
VALUE_CALLS = {
    "partial",
    "functools.partial",
    "namedtuple",
    "collections.namedtuple",
    "TypeVar",
    "typing.TypeVar",
    "logging.getLogger",
    "torch.device",
    "dict",
    "tuple",
    "list",
    "frozenset",
    "set",
    "float",
    "int",
    "math.sqrt",
    "math.log",
}

DEFAULT_MAX_BATCH = 64
DEFAULT_MEMORY_MB = 4096


class UsageError(Exception):
    """Bad expression, input shape or option: one line for the user."""


class UserCodeError(Exception):
    """The user's code raised; carries the one-line message and where (in the user's file)."""

    def __init__(self, message, file=None, line=None):
        super().__init__(message)
        self.file = file
        self.line = line


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else base + "." + node.attr
    return None


def _is_value(node, known):
    """True when evaluating `node` only combines constants and names bound by earlier kept code."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in known
    if isinstance(node, ast.Attribute):
        # `nn.ReLU`, `math.pi`: reading an attribute of an imported module or kept name.
        base = node.value
        while isinstance(base, ast.Attribute):
            base = base.value
        return isinstance(base, ast.Name) and base.id in known
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_value(e, known) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is None or _is_value(k, known) for k in node.keys) and all(
            _is_value(v, known) for v in node.values
        )
    if isinstance(node, ast.BinOp):
        return _is_value(node.left, known) and _is_value(node.right, known)
    if isinstance(node, ast.UnaryOp):
        return _is_value(node.operand, known)
    if isinstance(node, ast.BoolOp):
        return all(_is_value(v, known) for v in node.values)
    if isinstance(node, ast.Compare):
        return _is_value(node.left, known) and all(_is_value(c, known) for c in node.comparators)
    if isinstance(node, ast.IfExp):
        return all(_is_value(n, known) for n in (node.test, node.body, node.orelse))
    if isinstance(node, ast.Subscript):
        return _is_value(node.value, known) and _is_value(node.slice, known)
    if isinstance(node, ast.Slice):
        return all(n is None or _is_value(n, known) for n in (node.lower, node.upper, node.step))
    if isinstance(node, ast.Lambda):
        return True
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        return (
            name in VALUE_CALLS
            and all(_is_value(a.value if isinstance(a, ast.Starred) else a, known) for a in node.args)
            and all(_is_value(k.value, known) for k in node.keywords)
        )
    return False


def _bound_names(stmt):
    names = []
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for a in stmt.names:
            names.append((a.asname or a.name).split(".")[0])
    elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        names.append(stmt.name)
    elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.append(n.id)
    return names


def _assign_ok(stmt, known):
    if isinstance(stmt, ast.Assign):
        targets_ok = all(
            all(isinstance(n, (ast.Name, ast.Tuple, ast.List, ast.Store)) for n in ast.walk(t))
            for t in stmt.targets
        )
        return targets_ok and _is_value(stmt.value, known)
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and (
            stmt.value is None or _is_value(stmt.value, known)
        )
    return False


def _keep(stmt, known):
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        return _assign_ok(stmt, known)
    if isinstance(stmt, ast.Try):
        # `try: import x / except ImportError: x = None`: optional imports are definitions too.
        inner = stmt.body + stmt.orelse + stmt.finalbody + [s for h in stmt.handlers for s in h.body]
        probe = set(known)
        for s in inner:
            if isinstance(s, ast.Pass):
                continue
            if not _keep(s, probe):
                return False
            probe.update(_bound_names(s))
        return True
    return False


MISSING_HOOK = "__activation_lens_missing__"
missing_imports = []


class _Missing:
    """Stands for a name whose import failed: harmless until the model uses it."""

    def __init__(self, name, message):
        self._name = name
        self._message = message

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise ImportError("%s (needed for %s.%s)" % (self._message, self._name, attr))

    def __call__(self, *args, **kwargs):
        raise ImportError("%s (needed for %s)" % (self._message, self._name))


def _on_missing(names, error, line):
    glob = sys._getframe(1).f_globals
    for n in names:
        glob[n] = _Missing(n, str(error))
    missing_imports.append({"file": glob.get("__file__"), "line": line, "message": str(error)})


def _guard_import(stmt):
    """`import x` → try: import x / except ImportError: bind x to a placeholder. A logger or
    tensorboard the model never touches should not stop the check."""
    names = [(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"]
    call = ast.Expr(
        ast.Call(
            func=ast.Name(MISSING_HOOK, ast.Load()),
            args=[
                ast.Tuple([ast.Constant(n) for n in names], ast.Load()),
                ast.Name("__al_error__", ast.Load()),
                ast.Constant(stmt.lineno),
            ],
            keywords=[],
        )
    )
    handler = ast.ExceptHandler(ast.Name("ImportError", ast.Load()), "__al_error__", [call])
    node = ast.Try(body=[stmt], handlers=[handler], orelse=[], finalbody=[])
    return ast.fix_missing_locations(ast.copy_location(node, stmt))


def _guard_decorators(stmt):
    """A decorator that raises (a registry refusing a second `resnet18`) leaves the definition
    undecorated instead of stopping the load."""
    import copy

    bare = copy.deepcopy(stmt)
    bare.decorator_list = []
    handler = ast.ExceptHandler(ast.Name("Exception", ast.Load()), None, [bare])
    node = ast.Try(body=[stmt], handlers=[handler], orelse=[], finalbody=[])
    return ast.fix_missing_locations(ast.copy_location(node, stmt))


def filter_module(tree):
    """The module with only what defines things: imports, defs, classes, literal constants."""
    known = set(dir(__builtins__) if isinstance(__builtins__, dict) else dir(__builtins__))
    known.update(("__name__", "__file__"))
    kept = []
    for stmt in tree.body:
        if _keep(stmt, known):
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                stmt = _guard_import(stmt)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.decorator_list:
                stmt = _guard_decorators(stmt)
            kept.append(stmt)
            known.update(_bound_names(stmt))
            if isinstance(stmt, ast.Try):
                for s in stmt.body + stmt.orelse + [x for h in stmt.handlers for x in h.body]:
                    known.update(_bound_names(s))
    tree.body = kept
    return tree


def kept_lines(source):
    """First lines of the top-level statements the filter keeps (the unit tests read it)."""
    return [s.lineno for s in filter_module(ast.parse(source)).body]


class _FilteredLoader(importlib.machinery.SourceFileLoader):
    """Imports a sibling module of the user's file with the same filter. Bytecode caches are neither
    read (they hold the unfiltered module) nor written (they would poison the user's own runs)."""

    def get_code(self, fullname):
        source = self.get_data(self.path)
        return self.source_to_code(source, self.path)

    def source_to_code(self, data, path, *, _optimize=-1):
        tree = filter_module(ast.parse(data, filename=path))
        return compile(tree, path, "exec", dont_inherit=True)


class _FilteredFinder(importlib.abc.MetaPathFinder):
    def __init__(self, root):
        self.root = os.path.realpath(root) + os.sep

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        if not os.path.realpath(spec.origin).startswith(self.root):
            return None
        # Installed packages inside the tree (a project venv) are libraries, not user scripts.
        if "site-packages" in spec.origin or "dist-packages" in spec.origin:
            return None
        spec.loader = _FilteredLoader(fullname, spec.origin)
        return spec


def _install_missing_hook():
    import builtins

    setattr(builtins, MISSING_HOOK, _on_missing)


def _no_network():
    import socket

    def refuse(*_args, **_kwargs):
        raise OSError("Activation Lens runs the model offline: network access is disabled")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[k] = "1"


def _user_frame(tb, user_files):
    """The innermost traceback frame in one of the user's files: (file, line)."""
    where = (None, None)
    for frame in traceback.extract_tb(tb):
        if os.path.realpath(frame.filename) in user_files:
            where = (frame.filename, frame.lineno)
    return where


def _last_line(exc):
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def _package_of(path):
    """The package a file with relative imports belongs to, and the directory to import it from.
    A project's own package (directories with __init__.py) first; else the longest tail of its
    directory names that names a package installed in this interpreter (a copy of torchvision's
    models/resnet.py resolves `from ..ops.misc import …` against the installed torchvision)."""
    import importlib.util

    directory = os.path.dirname(path)
    parts = []
    d = directory
    while os.path.isfile(os.path.join(d, "__init__.py")):
        parts.insert(0, os.path.basename(d))
        d = os.path.dirname(d)
    if parts:
        return ".".join(parts), d
    names = directory.strip(os.sep).split(os.sep)
    for k in range(min(len(names), 4), 0, -1):
        candidate = ".".join(names[-k:])
        if not all(n.isidentifier() for n in names[-k:]):
            continue
        try:
            spec = importlib.util.find_spec(candidate)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations is not None:
            return candidate, directory
    # Neither: the file's own folder as a package, so `from .modules import X` reads the sibling
    # file (through the same filter).
    package = "__activation_lens_pkg__"
    pkg = types.ModuleType(package)
    pkg.__path__ = [directory]
    sys.modules[package] = pkg
    return package, directory


class UserFile:
    """The user's file, loaded with the filter, plus where modules were constructed."""

    def __init__(self, path):
        self.path = os.path.realpath(path)
        self.files = {self.path}
        self.namespace = None
        self.construct_line = {}
        self.assigned = {}

    def load(self):
        try:
            with open(self.path, "rb") as f:
                source = f.read()
        except OSError as e:
            raise UsageError("cannot read %s (%s)" % (self.path, e.strerror or e))
        try:
            tree = ast.parse(source, filename=self.path)
        except SyntaxError as e:
            raise UserCodeError("SyntaxError: %s" % e.msg, self.path, e.lineno)
        self.assigned = {
            t.id: stmt.value
            for stmt in tree.body
            if isinstance(stmt, ast.Assign)
            for t in stmt.targets
            if isinstance(t, ast.Name)
        }
        relative = any(isinstance(n, ast.ImportFrom) and n.level > 0 for n in tree.body)
        code = compile(filter_module(tree), self.path, "exec", dont_inherit=True)
        directory = os.path.dirname(self.path)
        package, root = _package_of(self.path) if relative else (None, directory)
        for d in (directory, root):
            if d not in sys.path:
                sys.path.insert(0, d)
        sys.meta_path.insert(0, _FilteredFinder(root))
        sys.dont_write_bytecode = True
        _install_missing_hook()
        module = types.ModuleType("__activation_lens_user__")
        module.__file__ = self.path
        if package:
            module.__package__ = package
        sys.modules[module.__name__] = module
        try:
            exec(code, module.__dict__)
        except BaseException as e:  # noqa: BLE001 - reported to the user, not swallowed
            self._raise_user(e)
        self.namespace = module.__dict__
        self._note_sibling_files()
        return self

    def _note_sibling_files(self):
        root = os.path.dirname(self.path) + os.sep
        for m in list(sys.modules.values()):
            origin = getattr(m, "__file__", None)
            if origin and os.path.realpath(origin).startswith(root):
                self.files.add(os.path.realpath(origin))

    def _raise_user(self, e):
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise UserCodeError("%s while loading the file" % type(e).__name__)
        file, line = _user_frame(e.__traceback__, self.files)
        raise UserCodeError(_last_line(e), file, line)

    def track_construction(self, torch):
        """Records, for every nn.Module built from now on, the line of the user's file that built it."""
        original = torch.nn.Module.__init__
        files = self.files
        lines = self.construct_line

        def init(module, *args, **kwargs):
            original(module, *args, **kwargs)
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_code.co_filename in files or os.path.realpath(frame.f_code.co_filename) in files:
                    lines[id(module)] = (frame.f_code.co_filename, frame.f_lineno)
                    break
                frame = frame.f_back

        torch.nn.Module.__init__ = init
        return lambda: setattr(torch.nn.Module, "__init__", original)

    def build(self, expression):
        try:
            tree = ast.parse(expression.strip(), mode="eval")
        except SyntaxError as e:
            raise UsageError("the model expression '%s' is not Python: %s" % (expression, e.msg))
        import builtins

        if isinstance(tree.body, ast.Name) and tree.body.id not in self.namespace and tree.body.id in self.assigned:
            # A module-level instance (`model = nn.Sequential(...)`): the filter skipped that
            # statement, so evaluate its right-hand side alone, with its own line numbers.
            value = self.assigned[tree.body.id]
            code = compile(ast.Expression(body=value), self.path, "eval")
            try:
                return eval(code, self.namespace)
            except BaseException as e:  # noqa: BLE001
                self._raise_user(e)
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                if node.id in self.namespace or hasattr(builtins, node.id) or node.id in bound:
                    continue
                raise UsageError(
                    "'%s' is not defined in %s (the model expression sees the file's imports, "
                    "classes, functions and constants)" % (node.id, os.path.basename(self.path))
                )
        code = compile(tree, "<model expression>", "eval")
        try:
            return eval(code, self.namespace)
        except BaseException as e:  # noqa: BLE001
            self._raise_user(e)


def parse_shape(text):
    parts = [p.strip() for p in text.replace("x", ",").replace("(", "").replace(")", "").split(",")]
    parts = [p for p in parts if p]
    if not parts:
        raise UsageError("--input-shape is empty (e.g. 8,3,32,32)")
    out = []
    for p in parts:
        if not p.isdigit() or int(p) <= 0:
            raise UsageError("--input-shape must be positive integers separated by commas, got '%s'" % text)
        out.append(int(p))
    return out


def _leaves(model):
    return [(name, m) for name, m in model.named_modules() if next(m.children(), None) is None]


def _extra_forward_args(model):
    """Required positional parameters of forward() after the input (an RNN's `hidden`): the
    protocol passes None, which torch's recurrent layers read as a zero state."""
    import inspect

    try:
        params = list(inspect.signature(model.forward).parameters.values())
    except (TypeError, ValueError):
        return []
    positional = [
        p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    return [p.name for p in positional[1:]]


def _first_leaf_run(torch, call, leaves, shape, dtype):
    """The first leaf module the forward calls, found by a probe stopped at its first call. The probe
    runs with the RNG state saved and restored, so it draws nothing from the seeded stream."""

    class Stop(Exception):
        pass

    seen = []

    def pre(module, _inputs):
        seen.append(module)
        raise Stop()

    handles = [m.register_forward_pre_hook(pre) for _, m in leaves]
    try:
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            call(torch.zeros(shape, dtype=dtype))
    except Stop:
        pass
    except Exception:  # noqa: BLE001 - the real run reports what the model raises
        pass
    finally:
        for h in handles:
            h.remove()
    return seen[0] if seen else None


def infer_input_shape(torch, model, batch):
    """Input shape when none is given: from the first leaf module in definition order."""
    nn = torch.nn
    for _, m in _leaves(model):
        if isinstance(m, nn.Embedding):
            length = 64
            for holder in (model, getattr(model, "config", None)):
                for attr in ("block_size", "max_len", "max_seq_len", "context_length", "seq_len"):
                    v = getattr(holder, attr, None) if holder is not None else None
                    if isinstance(v, int) and v > 0:
                        length = min(v, 64)
                        break
            return [batch, length]
        if isinstance(m, nn.Linear):
            return [batch, m.in_features]
        if isinstance(m, nn.Conv2d):
            return [[batch, m.in_channels, n, n] for n in (32, 28, 64, 224)]
        if isinstance(m, nn.ConvTranspose2d):
            return [[batch, m.in_channels, n, n] for n in (1, 4, 8, 32)]
        if isinstance(m, nn.Conv1d):
            return [batch, m.in_channels, 64]
        if isinstance(m, (nn.RNN, nn.LSTM, nn.GRU)):
            return [batch, 16, m.input_size] if m.batch_first else [16, batch, m.input_size]
        if isinstance(m, (nn.BatchNorm1d, nn.LayerNorm)):
            n = m.num_features if isinstance(m, nn.BatchNorm1d) else m.normalized_shape[-1]
            return [batch, n]
    raise UsageError("cannot infer the input shape; give it with --input-shape (e.g. 8,3,32,32)")


def _pick_input(torch, model, call, dtype, notes):
    """The inferred input; for an image model the first of 32, 28, 64, 224 px whose forward runs
    (tried on 2 samples with the RNG state and the buffers restored afterwards)."""
    guess = infer_input_shape(torch, model, 8)
    if not isinstance(guess[0], list):
        notes.append("input shape inferred: %s" % "x".join(map(str, guess)))
        return guess
    buffers = {k: v.detach().clone() for k, v in model.named_buffers()}
    try:
        for shape in guess:
            try:
                with torch.random.fork_rng(devices=[]), torch.no_grad():
                    call(torch.randn([2] + shape[1:], dtype=dtype))
            except Exception:  # noqa: BLE001 - a shape that does not fit; try the next
                continue
            notes.append("input shape inferred: %s" % "x".join(map(str, shape)))
            return shape
    finally:
        with torch.no_grad():
            for k, v in model.named_buffers():
                v.copy_(buffers[k])
    return guess[0]


def _first_tensor(torch, out):
    seen = 0
    while not isinstance(out, torch.Tensor):
        seen += 1
        if seen > 4:
            break
        if isinstance(out, (tuple, list)) and out:
            out = out[0]
        elif isinstance(out, dict) and out:
            out = next(iter(out.values()))
        elif hasattr(out, "__getitem__"):
            try:
                out = out[0]
            except Exception:  # noqa: BLE001
                break
        else:
            break
    return out if isinstance(out, torch.Tensor) else None


def _grad_norm(params):
    total = 0.0
    any_grad = False
    for p in params:
        if p.grad is not None:
            total += float(p.grad.detach().double().pow(2).sum())
            any_grad = True
    return math.sqrt(total) if any_grad else None


def _finite(x):
    if x is None:
        return None
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def run_protocol(torch, user, expression, input_shape, seed=0, dtype="float32", max_batch=DEFAULT_MAX_BATCH):
    """One run of the protocol. Returns (rows, info). Raises UsageError / UserCodeError."""
    import random

    tdtype = torch.float64 if dtype == "float64" else torch.float32
    torch.set_default_dtype(tdtype)
    torch.manual_seed(seed)
    random.seed(seed)
    try:
        import numpy

        numpy.random.seed(seed % (2**32))
    except ImportError:
        pass
    restore = user.track_construction(torch)
    try:
        model = user.build(expression)
    finally:
        restore()
    if not isinstance(model, torch.nn.Module):
        raise UsageError("'%s' gives a %s, not an nn.Module" % (expression, type(model).__name__))
    model.to(tdtype)
    model.train()
    notes = []
    extra = _extra_forward_args(model)
    call = lambda inp: model(inp, *([None] * len(extra)))  # noqa: E731
    shape = list(input_shape) if input_shape else _pick_input(torch, model, call, tdtype, notes)
    if shape[0] > max_batch:
        notes.append("batch capped from %d to %d" % (shape[0], max_batch))
        shape[0] = max_batch
    if extra:
        notes.append("forward() called with None for %s" % ", ".join(extra))
    first = _first_leaf_run(torch, call, _leaves(model), shape, tdtype)
    tokens = None
    if isinstance(first, torch.nn.Embedding):
        tokens = first.num_embeddings
        x = torch.randint(0, tokens, shape)
    else:
        x = torch.randn(shape, dtype=tdtype).requires_grad_(True)

    names = {m: n for n, m in model.named_modules()}
    calls = {}
    order = []
    stats = {}
    in_grads = {}

    def hook(module, inputs, output):
        calls[module] = calls.get(module, 0) + 1
        if calls[module] > 1:
            return
        order.append(module)
        out = _first_tensor(torch, output)
        if out is None or not out.is_floating_point():
            stats[module] = (list(out.shape) if out is not None else [], None, None)
        else:
            d = out.detach().double()
            stats[module] = (list(out.shape), float(d.mean()), float(d.std(unbiased=False)) if d.numel() > 0 else 0.0)
    def pre_hook(module, inputs):
        # Registered before the module runs: an in-place module (ReLU(inplace=True)) would
        # otherwise hand the hook its output's gradient instead of its input's.
        if module in pre_seen:
            return
        pre_seen.add(module)
        first_in = inputs[0] if inputs else None
        if isinstance(first_in, torch.Tensor) and first_in.requires_grad:

            def grab(g, m=module):
                in_grads[m] = float(g.detach().double().pow(2).mean().sqrt())

            first_in.register_hook(grab)

    # In-place leaves (ReLU(inplace=True)) run out of place: autograd would otherwise give the hook
    # on their input the gradient of their output. Same values, one more buffer.
    for _, m in _leaves(model):
        if getattr(m, "inplace", None) is True:
            m.inplace = False
    pre_seen = set()
    handles = [m.register_forward_hook(hook) for _, m in _leaves(model)]
    handles += [m.register_forward_pre_hook(pre_hook) for _, m in _leaves(model)]
    try:
        try:
            output = call(x)
            out = _first_tensor(torch, output)
            if out is None or not out.is_floating_point():
                raise UsageError("the forward returns no float tensor to score (got %s)" % type(output).__name__)
            g = torch.randn(out.shape, dtype=out.dtype)
            loss = (out * g).sum()
            loss.backward()
        except (UsageError, UserCodeError):
            raise
        except BaseException as e:  # noqa: BLE001
            try:
                user._raise_user(e)
            except UserCodeError as err:
                if extra:
                    # The likely cause: forward() needs more than one input.
                    err.args = ("%s (forward() was given None for %s)" % (err.args[0], ", ".join(extra)),)
                raise
    finally:
        for h in handles:
            h.remove()

    rows = []
    for m in order:
        if calls.get(m, 0) != 1:
            continue
        shape_out, mean, std = stats[m]
        direct = dict(m.named_parameters(recurse=False))
        weights = [p for n, p in direct.items() if n == "weight" or n.startswith("weight_")]
        biases = [p for n, p in direct.items() if n == "bias" or n.startswith("bias_")]
        where = user.construct_line.get(id(m))
        rows.append(
            {
                "module": names.get(m, ""),
                "kind": type(m).__name__,
                "outputShape": shape_out,
                "line": where[1] if where and os.path.realpath(where[0]) == user.path else None,
                "postMean": _finite(mean),
                "postStd": _finite(std),
                "weightGradNorm": _finite(_grad_norm(weights)) if weights else None,
                "biasGradNorm": _finite(_grad_norm(biases)) if biases else None,
                "inputGradRms": _finite(in_grads.get(m)),
            }
        )
    for miss in missing_imports:
        if miss["file"] and os.path.realpath(miss["file"]) == user.path:
            notes.append("line %d: import failed (%s); the model did not need it" % (miss["line"], miss["message"]))
    repeated = sorted(names.get(m, "") for m, c in calls.items() if c > 1)
    if repeated:
        notes.append("left out (run more than once per forward): " + ", ".join(repeated))
    info = {
        "inputShape": shape,
        "tokens": {"vocab": tokens} if tokens is not None else None,
        "outputShape": list(out.shape),
        "parameters": sum(p.numel() for p in model.parameters()),
        "notes": notes,
        # Leaves that ran more than once per forward (a shared ReLU): no row, by the protocol.
        "repeated": repeated,
    }
    return rows, info


def _limit_memory(megabytes):
    """Caps the address space at what torch's import already mapped plus `megabytes`."""
    try:
        import resource
    except ImportError:  # not on Windows
        return
    vm = 0
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    vm = int(line.split()[1]) * 1024
    except OSError:
        pass
    limit = vm + megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


_result_stream = None


def _keep_stdout_for_result():
    """The user's prints (nanoGPT prints its parameter count) go to stderr, C-level writes too: the
    one JSON result owns stdout."""
    global _result_stream
    sys.stdout.flush()
    _result_stream = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)


def _emit(obj):
    stream = _result_stream or sys.stdout
    stream.write(json.dumps(obj, allow_nan=False) + "\n")
    stream.flush()


def _error(kind, message, file=None, line=None):
    err = {"kind": kind, "message": message}
    if file is not None:
        err["file"] = file
    if line is not None:
        err["line"] = line
    return {"ok": False, "error": err}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="torch_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True)
    parser.add_argument("--model", required=True, help="expression, e.g. 'ResNet18()'")
    parser.add_argument("--input-shape")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--max-batch", type=int, default=DEFAULT_MAX_BATCH)
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.time()
    _keep_stdout_for_result()
    try:
        import torch
    except ImportError as e:
        _emit(
            _error(
                "no_torch",
                "PyTorch is not installed in %s (Python %d.%d; %s). Install it into this interpreter: "
                "%s -m pip install torch — or choose an interpreter that has it (Python: Select "
                "Interpreter, or the activationLens.python.path setting)."
                % (sys.executable, sys.version_info[0], sys.version_info[1], e, sys.executable),
            )
        )
        return 3
    imported = time.time()
    _no_network()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    _limit_memory(args.memory_mb)
    try:
        shape = parse_shape(args.input_shape) if args.input_shape else None
        if args.max_batch <= 0:
            raise UsageError("--max-batch must be positive")
        user = UserFile(args.file).load()
        rows, info = run_protocol(torch, user, args.model, shape, args.seed, args.dtype, args.max_batch)
    except UsageError as e:
        _emit(_error("usage", str(e)))
        return 2
    except UserCodeError as e:
        if "can't allocate memory" in str(e) or str(e).startswith("MemoryError"):
            message = "over the check's memory limit (%d MB beyond torch itself): %s" % (args.memory_mb, e)
            _emit(_error("memory", message, e.file, e.line))
        else:
            _emit(_error("raised", str(e), e.file, e.line))
        return 1
    except MemoryError:
        _emit(_error("memory", "out of memory: the model needs more than %d MB" % args.memory_mb))
        return 1
    done = time.time()
    result = {
        "ok": True,
        "engine": "torch",
        "torch": torch.__version__,
        "python": sys.executable,
        "file": user.path,
        "model": args.model,
        "seed": args.seed,
        "dtype": args.dtype,
        "layers": rows,
        "timing": {"importMs": round((imported - started) * 1000), "runMs": round((done - imported) * 1000)},
    }
    result.update(info)
    _emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
