"""Benchmark the synthetic renderer: frames per second (one process and the default pool) and the
time to build the default dataset from scratch. Last line: one JSON object.

    python bench/synthetic.py            # full: includes building the default dataset (DEFAULT_SYNTHETIC: 3000 frames)
    python bench/synthetic.py --quick    # skips the default build
"""
import json, os, sys, tempfile, time
from depth_nb.synthetic import render_frame, make_dataset, default_dataset, DEFAULT_SYNTHETIC

quick = '--quick' in sys.argv
h, w = DEFAULT_SYNTHETIC['height'], DEFAULT_SYNTHETIC['width']
render_frame(0, 0, h, w)  # warm-up (imports, caches)

n = 40
t0 = time.perf_counter()
for i in range(n): render_frame(i, 123, h, w)
fps_1 = n / (time.perf_counter() - t0)
print(f"render_frame {h}x{w}, one process: {fps_1:.1f} frames/s")

with tempfile.TemporaryDirectory() as tmp:
    n = 120
    t0 = time.perf_counter(); make_dataset(tmp, n, h, w, seed=123)
    fps = n / (time.perf_counter() - t0)
print(f"make_dataset {n} frames, {os.cpu_count()} workers, written to HDF5: {fps:.1f} frames/s "
      f"({fps / fps_1:.2f}x one process)")

build_s = None
if not quick:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ['DEPTH_NB_CACHE'] = tmp
        t0 = time.perf_counter(); default_dataset(verbose=False)
        build_s = time.perf_counter() - t0
    print(f"default dataset ({DEFAULT_SYNTHETIC['n_frames']} frames, {h}x{w}) built from scratch in {build_s:.1f}s (goal <= 60 s)")

print(json.dumps(dict(bench='synthetic', height=h, width=w, cpus=os.cpu_count(), frames_per_s=round(fps, 2),
                      frames_per_s_one_process=round(fps_1, 2), parallel_speedup=round(fps / fps_1, 2),
                      default_frames=DEFAULT_SYNTHETIC['n_frames'],
                      default_build_s=None if build_s is None else round(build_s, 1),
                      goal_default_build_s=60, goal_met=None if build_s is None else build_s <= 60)))
