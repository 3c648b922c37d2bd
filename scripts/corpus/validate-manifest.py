"""Builds every PyTorch model of test/corpus/models/manifest.json with real torch (Debian python3-torch,
torchvision) and runs one forward pass on its input shape: the manifest's expressions must be real.
Usage: /usr/bin/python3 scripts/corpus/validate-manifest.py [path-substring]; exit 1 if any fails."""
import json, sys, os, types, importlib.util, traceback, time
import torch, torch.nn as nn
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "corpus", "models")
man = json.load(open(ROOT + '/manifest.json'))
ok = bad = 0
for f in man['files']:
    if any('built by test/fixtures' in m.get('note', '') for m in f['models']): continue  # module-level training code: see the fixture
    if f['framework'] != 'pytorch' or not f['models'] or (len(sys.argv)>1 and sys.argv[1] not in f['path']): continue
    path = f['path']
    # import the real package module for third-party files (identical source), else exec the file
    if path.startswith('pytorch/written') or path.startswith('pytorch/skorch'):
        spec = importlib.util.spec_from_file_location('m_' + os.path.basename(path)[:-3], os.path.join(ROOT, path))
        mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    else:
        modname = path[len('pytorch/'):-3].replace('/', '.')
        if modname.startswith('torchtext'):
            import types as T
            pkg = T.ModuleType('ttr'); pkg.__path__ = [os.path.dirname(os.path.join(ROOT, path))]; sys.modules['ttr'] = pkg
            spec = importlib.util.spec_from_file_location('ttr.' + os.path.basename(path)[:-3], os.path.join(ROOT, path))
            mod = importlib.util.module_from_spec(spec); sys.modules[spec.name] = mod; spec.loader.exec_module(mod)
        else:
            mod = importlib.import_module(modname)
    g = dict(vars(mod)); g.setdefault('nn', nn); g['torch'] = torch
    for m in f['models']:
        try:
            t = time.time()
            model = eval(m['expression'], g)
            if 'inputShape' in m:
                shp = m['inputShape']
                x = torch.randn(*shp)
                first = next((mm for mm in model.modules() if isinstance(mm, nn.Embedding)), None)
                if first is not None and ('Embed' in str(type(list(model.children())[0])) or 'GPT' in m['name'] or 'Roberta' in m['name'] or 'TransformerEncoder' == m['name'] or m['name'] in ('RNNLanguageModel','CharGRU','PositionalEmbedding')):
                    x = torch.randint(0, first.num_embeddings, shp)
                if m['name'] in ('WindowPartition',):
                    y = model(x, 4)
                elif m['name'] == 'WindowDepartition':
                    y = model(x, 4, 4, 4)
                elif 'key_padding_mask' in m.get('note', ''):
                    model.train(); y = model(x, None)
                else:
                    model.train(); y = model(x)
                if isinstance(y, tuple): y = y[0]
                desc = tuple(y.shape) if hasattr(y, 'shape') else type(y).__name__
            else:
                desc = 'built'
            ok += 1
            print(f"ok   {path}:{m['name']} {desc} {time.time()-t:.2f}s")
        except Exception as e:
            bad += 1
            print(f"FAIL {path}:{m['name']}: {type(e).__name__}: {str(e)[:200]}")
print(f"{ok} built and ran, {bad} failed")
sys.exit(1 if bad else 0)
