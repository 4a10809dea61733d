"""Where a main-job epoch's time goes on this machine: the training steps, the data pipeline inside them, validation, and
the end of the epoch (checkpoints, metrics.json, TensorBoard). It trains --epochs epochs of a real run through
`depth_nb.train.train` with the main job's settings (`UNetConfig` defaults with epochs=20, so the learning-rate schedule is
the main job's; --set KEY=VALUE changes one), on the synthetic default dataset, in a temporary results folder it removes.

- `train`: `train_epoch`, the steps with the data loading they wait for;
- `data`: one pass of the same training loader with no model (augmentation and collation alone), timed before the run;
- `val`: scoring the validation split after the epoch, and the epoch's log entry;
- `end`: checkpoints, metrics.json and TensorBoard;
- the projection: 20 x the mean epoch, the main job's training without its setup and final test.

On an AVX-512 machine the fp32 AVX2 path is approximated by

    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 MKL_ENABLE_INSTRUCTIONS=AVX2 python bench/epoch.py --precision fp32

(the JSON line gives the capability torch used and which of these variables were set). Last line: one JSON object.

    python bench/epoch.py [--epochs 2] [--precision auto] [--set batch_size=32 --set decoder_channels=32,16,16,8,8 ...]
"""
import argparse, dataclasses, json, os, platform, shutil, statistics, tempfile, time
import torch
from depth_nb.core import cpu_has_bf16
from depth_nb.unet import UNetConfig
from depth_nb.train import Callback, StopAfterEpoch, train, run_source

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--epochs', type=int, default=2, help='epochs measured (of a 20-epoch schedule)')
ap.add_argument('--precision', default='auto', help='auto | fp32 | bf16')
ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='a UNetConfig setting other than its default')
args = ap.parse_args()

fields = {f.name for f in dataclasses.fields(UNetConfig)}
over = {}
for kv in args.set:
    k, sep, v = kv.partition('=')
    if not sep or k not in fields: ap.error(f"--set {kv!r}: expected KEY=VALUE with KEY a UNetConfig setting")
    try: over[k] = json.loads(v)
    except json.JSONDecodeError: over[k] = v
if args.epochs < 1: ap.error('--epochs must be >= 1')

class Clock(Callback):
    "The data pipeline alone before the run; each epoch's wall time, from the end of the one before."
    def before_fit(self, run):
        self.precision = str(run.amp_dtype).replace('torch.', '') if run.amp_dtype else 'fp32'
        self.steps, self.threads = len(run.train_dl), torch.get_num_threads()
        t0 = time.perf_counter(); self.frames = sum(len(b['depth']) for b in run.train_dl); self.data_s = time.perf_counter() - t0
        self.t, self.epochs = time.perf_counter(), []
    def after_epoch(self, run, entry):
        now = time.perf_counter()
        self.epochs.append(dict(train=entry['train_s'], val=entry['epoch_s'] - entry['train_s'], end=now - self.t - entry['epoch_s'],
                                wall=now - self.t))
        self.t = now

tmp = tempfile.mkdtemp(prefix='depth_nb_epoch_')
clock = Clock()
try:
    try: cfg = UNetConfig(**(dict(epochs=20, precision=args.precision, results_dir=tmp) | over)).validate()
    except (ValueError, TypeError) as e: ap.error(str(e))
    train(cfg, verbose=False, callbacks=[clock, StopAfterEpoch(args.epochs)])
finally: shutil.rmtree(tmp, ignore_errors=True)

med = {k: statistics.median(e[k] for e in clock.epochs) for k in ('train', 'val', 'end', 'wall')}
cap = torch.backends.cpu.get_cpu_capability()
emul = {k: os.environ[k] for k in ('ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA', 'MKL_ENABLE_INSTRUCTIONS') if k in os.environ}
src = run_source()
print(f"{src['cpu']} ({src['cpus']} CPUs, torch {cap}{', emulated: ' + ' '.join(f'{k}={v}' for k, v in emul.items()) if emul else ''}), "
      f"{clock.precision}, {clock.threads} threads; {clock.frames} training frames in {clock.steps} steps; settings changed: {over or 'none'}")
print(f"{'epoch':>5s} {'train':>7s} {'val':>6s} {'end':>6s} {'wall':>7s}  (seconds)")
for i, e in enumerate(clock.epochs): print(f"{i + 1:5d} {e['train']:7.1f} {e['val']:6.1f} {e['end']:6.1f} {e['wall']:7.1f}")
print(f"median: steps {med['train'] - clock.data_s:.1f} s + data {clock.data_s:.1f} s (one pass alone: {clock.data_s/med['wall']:.0%} of an epoch), "
      f"validation {med['val']:.1f} s ({med['val']/med['wall']:.0%}), end of epoch {med['end']:.1f} s; "
      f"20 epochs: {20*med['wall']/60:.1f} min")
print(json.dumps(dict(bench='epoch', cpu=src['cpu'], cpu_flags=src['cpu_flags'], cpus=src['cpus'], cpu_capability=cap, cpu_bf16=cpu_has_bf16(),
                      emulation=emul or None, precision=clock.precision, threads=clock.threads, settings=over, epochs=args.epochs,
                      frames=clock.frames, steps=clock.steps, data_s=round(clock.data_s, 2),
                      epoch_s={k: round(v, 2) for k, v in med.items()}, twenty_epochs_min=round(20*med['wall']/60, 2),
                      torch=torch.__version__, python=platform.python_version())))
