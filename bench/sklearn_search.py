"""Benchmark the scikit-learn recipe: the best pipeline of the default grid search against the original project's
recipe (RGB of each pixel, a 5-tree random forest) on the same training images, both scored on the
same test images with depth_nb.metrics. Last line: one JSON object.

    python bench/sklearn_search.py [--data-dir PATH] [--n-train-images 120] [--test-images 60] [--search small]
"""
import argparse, json, os, sys, time
from depth_nb.sklearn_search import SklearnConfig, run_sklearn

ap = argparse.ArgumentParser()
ap.add_argument('--data-dir', default=None); ap.add_argument('--n-train-images', type=int, default=120)
ap.add_argument('--test-images', type=int, default=60); ap.add_argument('--search', default='small')
args = ap.parse_args()
t0 = time.perf_counter()
r = run_sklearn(SklearnConfig(args.data_dir, n_train_images=args.n_train_images, test_images=args.test_images, pixels_per_image=300,
                              search=args.search, results_dir=None), verbose=False)
total = time.perf_counter() - t0
print(r['search'].round(4).to_string())
t, s = r['test'], r['baseline_recipe']['test']
print(f"best: {r['best']} {r['best_params']}: abs_rel {t['abs_rel']:.4f}, d1 {t['d1']:.3f}, refit {r['fit_s']:.2f}s "
      f"on {r['n_train_pixels']} pixels")
print(f"original recipe (RGB, RF 5 trees): abs_rel {s['abs_rel']:.4f}, d1 {s['d1']:.3f}, fit {r['baseline_recipe']['fit_s']:.2f}s "
      f"on {r['n_baseline_pixels']} pixels")
print(f"ratio {t['abs_rel']/s['abs_rel']:.2f} (goal <= 0.6); whole search {total:.0f}s (goal <= 300 s)")
print(json.dumps(dict(bench='sklearn', best=r['best'], abs_rel=round(t['abs_rel'], 4), d1=round(t['d1'], 4), fit_s=round(r['fit_s'], 2),
                      baseline_abs_rel=round(s['abs_rel'], 4), baseline_d1=round(s['d1'], 4), baseline_fit_s=round(r['baseline_recipe']['fit_s'], 2),
                      ratio=round(t['abs_rel']/s['abs_rel'], 3), search_s=round(total, 1), n_train_images=args.n_train_images,
                      goal_ratio_met=t['abs_rel'] <= 0.6*s['abs_rel'], goal_fit_met=r['fit_s'] <= r['baseline_recipe']['fit_s'])))
