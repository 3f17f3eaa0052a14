"""The Python side of tests/models/python-parity.test.ts: training's own functions, imported, never copied.

    /usr/bin/python3 tests/models/python-reference.py < tasks.json > answers.json

Reads one JSON object of tasks on stdin and writes the answers on stdout:
- "crops": [{"file", "maxOverlap"?, "fillOverlap"?}]: each picture loaded as training loads it (data.load_photo:
  transparency composited on white), then crops.select_crops (with those overlap limits when given):
  [[top, left, detail], ...] in pick order;
- "resample": [{"file", "size"}]: data.area_resize(data.centre_square(picture), size) / 255, row-major HWC;
- "scoring": {"calibration", "weights", "rules": [{"topK", "traceWeight"}], "pictures": [{"whole": {key: raw},
  "crops": {key: [raw, ...]} or null}]}: per rule, ensemble_of on the pictures' raw scores with each model's
  crops aggregated by aggregate_crops (with_traces), and model_scores per model: training's own functions, from
  training/calibration.py where the pipeline has that stage, else from training/train.py.
- "tiles": [{"file"}]: native.sd_tiles of each sd15_grids file: per tile its height, width and pixel sum.
Also "constants": crops.py's CROP, STRIDE, MAX_CROPS, MAX_OVERLAP, FILL_OVERLAP, which the manifest's input.crops must equal.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'training'))

import numpy as np  # noqa: E402

import crops  # noqa: E402
import data  # noqa: E402


def crop_answers(tasks):
    return [[list(map(int, pick)) for pick in crops.select_crops(
        data.load_photo(task['file']), max_overlap=task.get('maxOverlap'), fill_overlap=task.get('fillOverlap'))] for task in tasks]


def resample_answers(tasks):
    out = []
    for task in tasks:
        picture = data.load_photo(task['file'])
        out.append((data.area_resize(data.centre_square(picture), task['size']) / 255.0).ravel().tolist())
    return out


def tile_answers(tasks):
    import native  # PIL and numpy only
    return [[[int(tile.shape[0]), int(tile.shape[1]), int(tile.astype(np.int64).sum())] for tile in native.sd_tiles(task['file'])] for task in tasks]


def scoring_rule():
    """The module holding training's calibration and ensemble functions (imported only when asked for)."""
    try:
        import calibration as module
    except ImportError:
        import train as module  # the pipeline before its calibration stage had a module of its own
    return module


def scoring_answers(task):
    train = scoring_rule()
    keys = list(task['weights'])
    pictures = task['pictures']
    raw = {
        'whole': {key: np.array([p['whole'][key] for p in pictures], np.float64) for key in keys},
        'crops': [None if p['crops'] is None else {key: p['crops'][key] for key in keys} for p in pictures],
    }
    answers = []
    for rule in task['rules']:
        viewed = train.with_traces(raw, rule['topK'])
        answers.append({
            'ensemble': nan_free(train.ensemble_of(viewed, task['calibration'], task['weights'], rule['traceWeight'])),
            'models': {key: nan_free(train.model_scores(viewed, task['calibration'], key, rule['traceWeight'])) for key in keys},
            'trace': {key: nan_free(viewed['trace'][key]) for key in keys},
        })
    return answers


def nan_free(values):
    return [None if math.isnan(v) else float(v) for v in np.asarray(values, np.float64)]


def main():
    tasks = json.load(sys.stdin)
    answers = {'constants': {'size': crops.CROP, 'stride': crops.STRIDE, 'maxCrops': crops.MAX_CROPS, 'maxOverlap': crops.MAX_OVERLAP, 'fillOverlap': crops.FILL_OVERLAP}}
    if 'crops' in tasks:
        answers['crops'] = crop_answers(tasks['crops'])
    if 'resample' in tasks:
        answers['resample'] = resample_answers(tasks['resample'])
    if 'tiles' in tasks:
        answers['tiles'] = tile_answers(tasks['tiles'])
    if 'scoring' in tasks:
        answers['scoring'] = scoring_answers(tasks['scoring'])
    json.dump(answers, sys.stdout)


if __name__ == '__main__':
    main()
