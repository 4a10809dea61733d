"""Bad input, tried as a new user would: each case runs a user's command or call on an odd or broken input and says
what came of it. Last line: one JSON object with the tally.

    python bench/probe.py [--cases NAME,...] [--keep]

Every case ends in one of:
- `correct`: the right result (a sensible default, the file read right, the output written where it belongs);
- `clear error`: refused before any harm, with a message that names the file or setting and what was wrong, and no
  traceback (a command exits with status 1 or 2);
- `unclear error`: refused, but the message does not say which file or setting, or what to do;
- `traceback`: a Python traceback reached the user;
- `silent wrong`: no error, and a wrong result (depth in the wrong unit, a score of a wrong prediction);
- `data loss`: a file the user made, or a good result, was replaced or destroyed.
The classes are those of a probe of 256 bad inputs (units, photos, run folders, kills, model files, parameters); each
case here stands for one class. Cases run in a temporary folder, on the synthetic default dataset (built on first use)
and tiny models trained there (a minute or two in all on 2 cores).
"""
import argparse, contextlib, io, json, os, shutil, signal, subprocess, sys, tempfile, time, traceback
from pathlib import Path
import numpy as np
from PIL import Image

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--cases', default='', help='only these cases (comma-separated names)')
ap.add_argument('--keep', action='store_true', help='keep the temporary folder (printed)')
args = ap.parse_args()

OUTCOMES = ('correct', 'clear error', 'unclear error', 'traceback', 'silent wrong', 'data loss')
work = Path(tempfile.mkdtemp(prefix='depth_nb_probe.'))
env = dict(os.environ, PYTHONUNBUFFERED='1', HF_HUB_OFFLINE='1')

def cli(*a, cwd=None, timeout=600):
    "`depth_nb ARGS`: (exit status, stdout + stderr)."
    r = subprocess.run(['depth_nb', *map(str, a)], capture_output=True, text=True, cwd=cwd or work, env=env, timeout=timeout)
    return r.returncode, r.stdout + r.stderr

def said(rc:int, out:str, *names) -> str:
    "The outcome of a refused command: traceback, clear error (exit 1 or 2 and every one of `names` in the message), or unclear."
    if 'Traceback (most recent call last)' in out: return 'traceback'
    if rc == 0: return None
    return 'clear error' if all(str(n) in out for n in names) else 'unclear error'

def raised(f, *names) -> str:
    "The outcome of a Python call that should refuse: clear error (an exception naming each of `names`), unclear error, or None."
    try: f()
    except Exception as e:
        return 'clear error' if all(str(n) in str(e) for n in names) else 'unclear error'
    return None

# ------------------------------------------------------------------------------------------------------------- the setup
def tiny_run(name='run', extra=()):
    rc, out = cli('train', '--epochs', 1, '--max_train_samples', 32, '--max_eval_samples', 4, '--encoder_weights', 'None',
                  '--decoder_channels', '8,8,8,8,8', '--results_dir', work/'runs', '--run_name', name, *extra)
    assert rc == 0, out[-2000:]
    return work/'runs'/name

def photo(path, size=(120, 160)):
    from depth_nb.data import open_dataset
    img = open_dataset(split='test', verbose=False).source.read(0)['image']
    Image.fromarray(img).resize(size[::-1]).save(path)
    return path

def folder_of_pngs(root, values, bits=16):
    root.mkdir(parents=True, exist_ok=True)
    for i, v in enumerate(values):
        Image.fromarray(np.zeros((24, 32, 3), np.uint8)).save(root/f'f{i}.jpg')
        Image.fromarray(np.full((24, 32), v, np.uint16 if bits == 16 else np.uint8)).save(root/f'f{i}.png')
    return root

# ------------------------------------------------------------------------------------------------------------- the cases
CASES = {}
def case(kind):
    def reg(f): CASES[f.__name__] = (kind, f); return f
    return reg

@case('data loss')
def predict_keeps_existing_files():
    run, out = RUN, work/'p1'; out.mkdir(); (out/'photo_depth_mm.png').write_bytes(b'mine')
    rc, o = cli('predict', photo(work/'photo.jpg'), '--model', run, '--out', out)
    if (out/'photo_depth_mm.png').read_bytes() != b'mine': return 'data loss'
    return said(rc, o, 'photo_depth_mm.png', '--overwrite') or 'data loss'

@case('data loss')
def predict_two_photos_one_stem():
    d = work/'p2'; d.mkdir(); photo(d/'photo.jpg'); photo(d/'photo.png', (150, 200))
    rc, o = cli('predict', d/'photo.jpg', d/'photo.png', '--model', RUN, '--out', work/'p2out')
    outs = sorted(p.name for p in (work/'p2out').glob('*_depth_mm.png'))
    if rc != 0: return said(rc, o, 'photo')
    return 'correct' if len(outs) == 2 else 'data loss'

@case('data loss')
def predict_same_photo_twice():
    p = photo(work/'twice.jpg')
    rc, o = cli('predict', p, p, '--model', RUN, '--out', work/'p3out')
    if 'Traceback' in o: return 'traceback'
    return 'correct' if rc == 0 and (work/'p3out'/'twice_depth_mm.png').exists() else 'unclear error'

@case('data loss')
def export_keeps_existing_file():
    (work/'mine.onnx').write_bytes(b'mine')
    rc, o = cli('export', RUN, '--onnx', work/'mine.onnx')
    if (work/'mine.onnx').read_bytes() != b'mine': return 'data loss'
    return said(rc, o, 'mine.onnx', '--overwrite') or 'data loss'

@case('silent wrong')
def png_in_tenth_of_mm():
    from depth_nb.data import open_dataset
    root = folder_of_pngs(work/'tenth', [25000, 31000, 18000])
    try:
        with warnings_caught() as w: d = open_dataset(root, 'all')[0]['depth']
    except Exception as e: return 'clear error' if 'depth_scale' in str(e) else 'unclear error'
    right = abs(float(np.median(d)) - 2.5) < 1e-3
    return ('correct' if any('0.1 mm' in m for m in w) else 'silent wrong') if right else 'silent wrong'

@case('silent wrong')
def depth_scale_honoured_by_labeled():
    from depth_nb.data import open_dataset
    a = open_dataset(None, 'test', verbose=False)[0]['depth']; b = open_dataset(None, 'test', verbose=False, depth_scale=0.5)[0]['depth']
    return 'correct' if np.allclose(b, a*0.5, atol=1e-6) else 'silent wrong'

@case('silent wrong')
def depth_scale_zero():
    from depth_nb.data import open_dataset
    return raised(lambda: open_dataset(None, depth_scale=0), 'depth_scale') or 'silent wrong'

@case('silent wrong')
def eight_bit_depth_in_a_folder():
    from depth_nb.data import open_dataset
    root = folder_of_pngs(work/'eight', [100, 120], bits=8)
    return raised(lambda: open_dataset(root, 'all', verbose=False)[0], 'f0.png', 'depth_scale') or 'silent wrong'

@case('silent wrong')
def evaluate_boolean_predictions():
    import torch
    from depth_nb.data import open_dataset
    from depth_nb.predict import MapPredictor, evaluate
    class Bools(MapPredictor):
        def _forward(self, imgs): return torch.ones(len(imgs), *imgs.shape[1:3], dtype=torch.bool)
    return raised(lambda: evaluate(Bools('bools', torch.ones(2, 2)), open_dataset(split='test', verbose=False), n_images=2), 'bools', 'bool') or 'silent wrong'

@case('silent wrong')
def evaluate_fewer_maps_than_images():
    import torch
    from depth_nb.data import open_dataset
    from depth_nb.predict import MapPredictor, evaluate
    class Short(MapPredictor):
        def predict(self, images, batch_size=4, flip_tta=False): return super().predict(images)[:-1]
    return raised(lambda: evaluate(Short('short', torch.ones(2, 2)), open_dataset(split='test', verbose=False), n_images=3), 'short', '2 depth map') or 'silent wrong'

@case('silent wrong')
def predict_negative_max_depth():
    rc, o = cli('predict', photo(work/'neg.jpg'), '--model', RUN, '--out', work/'negout', '--max_depth', -1)
    return said(rc, o, 'max_depth') or 'silent wrong'

@case('traceback')
def train_config_file_with_wrong_types():
    outs = []
    for bad in ({'lr': 'abc'}, {'epochs': '3'}, {'height': '96'}, {'results_dir': None}, {'epochs': 1.5}):
        cfg = work/'cfg.json'; cfg.write_text(json.dumps(bad))
        before = set((work/'runs').iterdir())
        rc, o = cli('train', '--config', cfg)
        if set((work/'runs').iterdir()) != before: return 'data loss'
        outs.append(said(rc, o, 'cfg.json', list(bad)[0]) or 'silent wrong')
    return worst(outs)

@case('traceback')
def papermill_parameter_of_wrong_type():
    nb = Path(__file__).resolve().parent.parent/'nbs'/'02_unet.ipynb'
    r = subprocess.run([sys.executable, '-m', 'papermill', str(nb), str(work/'out.ipynb'), '-p', 'lr', 'abc', '--cwd', str(nb.parent)],
                       capture_output=True, text=True, env=env)
    text = r.stdout + r.stderr
    if r.returncode == 0: return 'silent wrong'
    tb = json.loads((work/'out.ipynb').read_text()) if (work/'out.ipynb').exists() else {'cells': []}
    errs = [o for c in tb['cells'] for o in c.get('outputs', []) if o.get('output_type') == 'error']
    if errs and len(errs[0].get('traceback', [])) > 1: return 'traceback'
    return 'clear error' if "lr must be float, got 'abc'" in text else 'unclear error'

@case('traceback')
def metrics_of_an_empty_batch():
    from depth_nb.metrics import compute_metrics
    return raised(lambda: compute_metrics(np.zeros((0, 32, 32)), np.zeros((0, 32, 32))), 'empty') or 'silent wrong'

@case('traceback')
def kaggle_csv_with_a_nul_byte():
    from depth_nb.data import open_dataset
    root = work/'kaggle'; (root/'data').mkdir(parents=True)
    (root/'data'/'nyu2_train.csv').write_bytes(b'data/a.jpg,data/a\x00.png\n')
    return raised(lambda: open_dataset(root, 'train', verbose=False), 'nyu2_train.csv', 'NUL') or 'silent wrong'

@case('unclear error')
def kaggle_csv_with_a_byte_order_mark():
    from depth_nb.data import open_dataset
    root = work/'kaggle_bom'; (root/'data'/'nyu2_train').mkdir(parents=True)
    for i in range(4):
        Image.fromarray(np.zeros((24, 32, 3), np.uint8)).save(root/'data'/'nyu2_train'/f'{i}.png')
        Image.fromarray(np.full((24, 32), 80, np.uint8)).save(root/'data'/'nyu2_train'/f'{i}_d.png')
    rows = '\n'.join(f'data/nyu2_train/{i}.png,data/nyu2_train/{i}_d.png' for i in range(4))
    (root/'data'/'nyu2_train.csv').write_bytes(b'\xef\xbb\xbf' + rows.encode())
    try: return 'correct' if len(open_dataset(root, 'all', verbose=False)) == 4 else 'silent wrong'
    except Exception: return 'unclear error'

@case('unclear error')
def predict_out_is_a_file():
    (work/'afile').write_text('x')
    rc, o = cli('predict', photo(work/'o.jpg'), '--model', RUN, '--out', work/'afile')
    return said(rc, o, 'afile', 'folder') or 'silent wrong'

@case('unclear error')
def run_folder_with_malformed_config():
    bad = work/'runs'/'broken'; shutil.copytree(RUN, bad)
    (bad/'config.json').write_text('{"encoder": ')
    rc, o = cli('predict', photo(work/'m.jpg'), '--model', bad, '--out', work/'mout')
    return said(rc, o, 'config.json', 'JSON') or 'silent wrong'

@case('unclear error')
def small_photo_with_guided_upsampling():
    rc, o = cli('predict', photo(work/'small.jpg', (40, 60)), '--model', RUN, '--out', work/'sout', '--upsample', 'guided')
    if rc == 0: return 'correct'
    return said(rc, o, 'small.jpg', 'bilinear') or 'silent wrong'

@case('unclear error')
def predict_with_a_baseline_name():
    rc, o = cli('predict', photo(work/'b.jpg'), '--model', 'mean-depth', '--out', work/'bout')
    return said(rc, o, 'mean-depth', 'depth_nb eval') or 'silent wrong'

@case('unclear error')
def finetune_from_a_damaged_file():
    (work/'broken.safetensors').write_bytes(b'not safetensors')
    before = set((work/'runs').iterdir())
    rc, o = cli('train', '--epochs', 1, '--max_train_samples', 8, '--max_eval_samples', 2, '--results_dir', work/'runs',
                '--finetune_from', work/'broken.safetensors')
    if set((work/'runs').iterdir()) != before: return 'data loss'
    return said(rc, o, 'broken.safetensors') or 'silent wrong'

@case('unclear error')
def negative_max_depth_in_training():
    t0 = time.time()
    rc, o = cli('train', '--max_depth', -1, '--results_dir', work/'runs')
    s = said(rc, o, 'max_depth') or 'silent wrong'
    return s if time.time() - t0 < 60 else 'unclear error'                 # refused at once, not after an epoch

@case('data loss')
def kill_during_checkpoint_writes():
    "Twelve SIGKILLs at random moments of a run's file writes: after each, the run loads and resumes."
    killer = work/'kill_at.py'
    killer.write_text("import os, sys, signal, shutil\ncount, at = [0], int(os.environ.get('KILL_AT', 0))\n"
                      "def counted(f):\n    def g(*a, **k):\n        count[0] += 1\n        if count[0] == at: os.kill(os.getpid(), signal.SIGKILL)\n"
                      "        return f(*a, **k)\n    return g\nos.replace, shutil.rmtree = counted(os.replace), counted(shutil.rmtree)\n"
                      "from depth_nb.cli import main\nsys.exit(main(['train', *sys.argv[1:]]))\n")
    run = work/'runs'/'killed'
    subprocess.run([sys.executable, str(killer), '--epochs', '14', '--max_train_samples', '32', '--max_eval_samples', '4', '--encoder_weights',
                    'None', '--decoder_channels', '8,8,8,8,8', '--results_dir', str(work/'runs'), '--run_name', 'killed'],
                   capture_output=True, text=True, env=dict(env, KILL_AT='30'))      # killed after a few epochs
    rng = np.random.default_rng(1)
    from depth_nb.unet import load_run
    for _ in range(12):
        r = subprocess.run([sys.executable, str(killer), '--resume', str(run)], capture_output=True, text=True,
                           env=dict(env, KILL_AT=str(int(rng.integers(1, 9)))))
        if 'Traceback' in r.stdout + r.stderr: return 'traceback'
        try: load_run(run)
        except Exception: return 'data loss'
    r = subprocess.run([sys.executable, str(killer), '--resume', str(run)], capture_output=True, text=True, env=env)
    return 'correct' if r.returncode == 0 else 'data loss'

# ------------------------------------------------------------------------------------------------------------- the run
@contextlib.contextmanager
def warnings_caught():
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always'); msgs = []
        yield msgs
        msgs += [str(x.message) for x in w]

def worst(outs): return max(outs, key=OUTCOMES.index)

names = [n for n in CASES if not args.cases or n in args.cases.split(',')]
t0 = time.time()
RUN = tiny_run()
tally, rows = {o: 0 for o in OUTCOMES}, {}
for name in names:
    kind, f = CASES[name]
    try: out = f()
    except Exception as e: out = 'traceback'; traceback.print_exc()
    tally[out] += 1; rows[name] = out
    print(f"{out:14s} {name}  (the class: {kind})", flush=True)
print(f"\n{len(names)} cases in {time.time() - t0:.0f}s: " + ', '.join(f"{n} {o}" for o, n in tally.items()))
if args.keep: print(f"kept {work}")
else: shutil.rmtree(work, ignore_errors=True)
print(json.dumps(dict(cases=len(names), **{o.replace(' ', '_'): n for o, n in tally.items()}, results=rows)))
