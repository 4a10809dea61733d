"""Benchmark the data pipeline, two parts. Last line: one JSON object.

1. Training samples: decode (HDF5) + geometric and photometric augmentation at the training size,
   through the DataLoader, with the default number of workers and with none. It must stay well above what the
   training step consumes (`python bench/train.py` measures that on the same machine).
2. Large HDF5 reading (--hdf5): a 1449-frame 480x640 labeled file as big as the official one, written
   by `depth_nb.synthetic.make_dataset` gzip-compressed in chunks of 4 frames as MATLAB's v7.3 files are
   (built once, about 14 minutes on 2 busy cores, cached in --cache). Frames/s reading it in order and
   in a shuffled order with three chunk caches: HDF5 1.x's default (1 MiB per dataset, what most
   installs have), this h5py's own default (HDF5 2.0 raised it to 8 MiB), and the cache `LabeledMat`
   sizes for one frame's chunks; alternated over --rounds rounds (medians reported).

    python bench/data.py [--data-dir PATH] [--batches 30] [--batch-size 16] [--hdf5] [--frames 1449] [--rounds 5]
"""
import argparse, json, os, time, statistics, platform
from pathlib import Path
import numpy as np, torch
from depth_nb.data import open_dataset, TrainTransform, make_loader, default_workers, LabeledMat
from depth_nb.unet import UNetConfig

ap = argparse.ArgumentParser()
ap.add_argument('--data-dir', default=None); ap.add_argument('--batches', type=int, default=30)
ap.add_argument('--batch-size', type=int, default=16)
ap.add_argument('--hdf5', action='store_true', help='also the large-HDF5 reading benchmark')
ap.add_argument('--frames', type=int, default=1449); ap.add_argument('--rounds', type=int, default=5)
ap.add_argument('--read', type=int, default=96, help='frames read per variant per round')
ap.add_argument('--cache', default=str(Path.home()/'.cache'/'depth_nb'/'bench-labeled-gzip'))
args = ap.parse_args()
h, w = UNetConfig.height, UNetConfig.width
ds = open_dataset(args.data_dir, 'train', transform=TrainTransform(h, w), verbose=False)

def rate(workers):
    dl = make_loader(ds, args.batch_size, shuffle=True, num_workers=workers, seed=0)
    it = iter(dl); next(it)                                   # start-up (worker spawn) not counted
    t0 = time.perf_counter(); n = 0
    for _ in range(args.batches):
        n += len(next(it)['image'])
    return n / (time.perf_counter() - t0)

torch.set_num_threads(1)      # as in a worker: one thread each
r0 = rate(0)
print(f"0 workers (main process, 1 thread): {r0:.1f} samples/s")
nw = max(1, default_workers('cuda'))   # the GPU default; a 2-core CPU trainer uses none
rw = rate(nw)
print(f"{nw} workers (GPU default): {rw:.1f} samples/s at {h}x{w}, batch {args.batch_size}")
out = dict(bench='data', machine=platform.processor() or platform.machine(), cpus=os.cpu_count(), height=h, width=w,
           batch_size=args.batch_size, workers=nw, train_samples_per_s=round(rw, 1), samples_per_s_0_workers=round(r0, 1))

if args.hdf5:
    from depth_nb.synthetic import make_dataset, LABELED_NAME
    folder = Path(args.cache)/f"{args.frames}x480x640"
    if not (folder/LABELED_NAME).exists():
        t0 = time.time()
        make_dataset(folder, args.frames, 480, 640, seed=0, compression=True, chunk_frames=4)
        print(f"built {folder/LABELED_NAME} ({(folder/LABELED_NAME).stat().st_size/2**30:.2f} GiB) in {time.time() - t0:.0f}s")
    src = LabeledMat(folder/LABELED_NAME)
    print(f"{folder/LABELED_NAME}: {src.n} frames, {(folder/LABELED_NAME).stat().st_size/2**30:.2f} GiB on disk; "
          f"sized chunk cache {src.cache_bytes/2**20:.1f} MiB")
    sized = src.cache_bytes
    rng = np.random.default_rng(0)
    def read_rate(cache, order):
        src.cache_bytes = cache; src._handle = src._dsets = None   # reopen with this cache
        t0 = time.perf_counter()
        for i in order: src.read(int(i))
        return len(order) / (time.perf_counter() - t0)
    import h5py
    caches = dict(hdf5_1mib=1 << 20, library=None, sized=sized)
    rows = {f"{o}_{c}": [] for o in ('seq', 'rand') for c in caches}
    for k in range(args.rounds):
        start = int(rng.integers(0, src.n - args.read))
        seq = np.arange(start, start + args.read); rand = rng.choice(src.n, args.read, replace=False)
        for o, order in (('seq', seq), ('rand', rand)):
            for c, cache in caches.items(): rows[f"{o}_{c}"].append(read_rate(cache, order))
        print(f"round {k + 1}: " + ', '.join(f"{n} {v[-1]:.1f}" for n, v in rows.items()) + " frames/s")
    med = {n: statistics.median(v) for n, v in rows.items()}
    seq_ratio = statistics.median([b/a for a, b in zip(rows['seq_hdf5_1mib'], rows['seq_sized'])])
    rand_ratio = statistics.median([b/a for a, b in zip(rows['rand_hdf5_1mib'], rows['rand_sized'])])
    print(f"HDF5 {h5py.version.hdf5_version}, h5py {h5py.__version__}; in order: {med['seq_hdf5_1mib']:.1f} (1 MiB cache) / "
          f"{med['seq_library']:.1f} (library default) / {med['seq_sized']:.1f} (sized) frames/s, sized vs 1 MiB {seq_ratio:.2f}x; "
          f"shuffled: {med['rand_hdf5_1mib']:.1f} / {med['rand_library']:.1f} / {med['rand_sized']:.1f}, {rand_ratio:.2f}x")
    out.update(hdf5_version=h5py.version.hdf5_version, hdf5_frames=src.n, hdf5_gib=round((folder/LABELED_NAME).stat().st_size/2**30, 2), chunk_frames=4,
               cache_mib=round(sized/2**20, 1), rounds=args.rounds,
               **{f"hdf5_{n}_frames_per_s": round(v, 1) for n, v in med.items()},
               hdf5_seq_speedup_vs_1mib=round(seq_ratio, 2), hdf5_rand_speedup_vs_1mib=round(rand_ratio, 2))
print(json.dumps(out))
