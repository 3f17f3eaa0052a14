"""Shortcut controls: could a model tell the classes apart by where the crops sit on the 8-px JPEG grid or the 2x2
pixel grid, by how strongly their source files were compressed, or by what the pictures show, rather than by the
traces generators leave? Writes training/results/shortcut-controls.json (or --out PATH; the rerun on the
seventeenth round's code, the backbone fed [0, 1]: results/2026-12-07-shortcut-controls.json).

    /usr/bin/python3 training/controls.py [--out PATH]     # a few minutes on 2 cores

Reads the training pictures of training/data-splits.json (up to 160 per class, drawn across groups) and builds
their crops twice: as train.py does (native.crop_pool: a random edge trim, the everyday edits, detail-picked
windows and windows at random integer offsets) and as the earlier pipeline did (no trim: windows only at the
browser's 64-px grid, so a picture's own 8-px grid always sat at the same phase of the crop). For each crop, the
phase features: the mean |horizontal| and |vertical| luma step at each of the 8 (and 2) column / row phases,
each divided by their mean, minus 1 (so only where the steps are larger counts, not how large they are). A
logistic regression on those features is fitted on half the pictures and its AUROC measured on the other half
(split by picture). A control near 0.5 says the phase carries no class information; the earlier pipeline's row
shows the control can detect a phase shortcut where there is one.

The compression controls take the same 8-px step energies sorted from the strongest phase down, so where the grid
falls no longer counts, only how blocky the crop is at its blockiest phase against the others: what a file's JPEG
quantisation tables leave in its pixels. Real training photos mostly come from camera JPEGs and generated ones from
PNG or WebP files, so this is the file-format shortcut the issue names; the `source files as stored` row measures
it on crops cut from the decoded files with no edit chain (what the data itself holds), the train.py row on the
crops training sees, and the --prior-save rows on crops of pictures each saved once as JPEG at a random grid phase
before the chain (native.prior_save), both classes alike.

The subject control asks what the training pictures show, with no trace left to read: each whole picture shrunk to
a 96-px thumbnail (box filter), described by the pooled features of frozen ImageNet MobileNetV2 (its last block).
No preprocessing can hide this one: a high AUROC says the training data lets subject tell the classes apart (the
generated side holds many illustrations, every real picture is a photograph), which the report's `wild.bySubject`
then shows the models partly learned. The thumbnails, their features and the logistic regression are subject.py's,
which train.py --subject-balance uses to weigh training pictures so that subject stops predicting the class.
"""
import argparse
import os

import numpy as np
import torch

import crops
import native
import splits
import subject
import common

OUT = os.path.join(os.path.dirname(__file__), 'results', 'shortcut-controls.json')
PER_CLASS = 160


def phase_features(windows, period, sort=False):
    """[n, 2 * period]: relative step energy at each column phase and each row phase; with `sort`, each direction's
    phases sorted from the strongest down (the blocking strength, wherever the grid falls)."""
    luma = windows.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    horizontal = np.abs(np.diff(luma, axis=2)).mean(1)  # [n, W-1], step between column x and x+1
    vertical = np.abs(np.diff(luma, axis=1)).mean(2)
    features = []
    for steps in (horizontal, vertical):
        usable = steps[:, :steps.shape[1] // period * period].reshape(len(steps), -1, period).mean(1)
        if sort:
            usable = -np.sort(-usable, axis=1)
        features.append(usable / (usable.mean(1, keepdims=True) + 1e-6) - 1)
    return np.concatenate(features, 1)


def grid_crops(image):
    """The earlier pipeline: detail-picked windows on the browser's 64-px grid, no trim."""
    windows, _ = crops.crops_of(image)
    return windows


def prior_saved_crops(picture, rng):
    """train.py --prior-save 1: every picture saved once as JPEG at a random grid phase before the edit chain."""
    kept, native.PRIOR_SAVE_SHARE = native.PRIOR_SAVE_SHARE, 1.0
    try:
        return native.crop_pool([picture], 1, rng)
    finally:
        native.PRIOR_SAVE_SHARE = kept


PIPELINES = {
    'train.py (trim, random offsets, edits)': lambda picture, rng: native.crop_pool([picture], 1, rng),
    'earlier (64-px grid, no trim)': lambda picture, rng: grid_crops(native.recompress(picture, rng)),
    'source files as stored (random offsets, no edits)': lambda picture, rng: native.random_windows(picture, native.POOL_CROPS, rng),
    'train.py --prior-save 1 (a JPEG save first)': prior_saved_crops,
}
# (pipeline, period, sorted): the phase controls of both pipelines, then the compression controls (the subject
# control, on whole pictures, comes last: subject_control).
CONTROLS = [
    ('train.py (trim, random offsets, edits)', 8, False), ('train.py (trim, random offsets, edits)', 2, False),
    ('earlier (64-px grid, no trim)', 8, False), ('earlier (64-px grid, no trim)', 2, False),
    ('train.py (trim, random offsets, edits)', 8, True), ('source files as stored (random offsets, no edits)', 8, True),
    ('train.py --prior-save 1 (a JPEG save first)', 8, True), ('train.py --prior-save 1 (a JPEG save first)', 8, False),
]


def subject_control(real, fake, half):
    backbone = subject.subject_backbone()
    parts = {}
    for side, index in (('fit', 0), ('test', 1)):
        x = [subject.thumbnail_features(half(pictures)[index], backbone) for pictures in (real, fake)]
        parts[side] = (np.concatenate(x), np.concatenate([np.zeros(len(x[0])), np.ones(len(x[1]))]))
    return {'control': 'subject', 'pipeline': f'whole pictures as {subject.THUMBNAIL}-px thumbnails (no traces left)',
            'features': 'what they show: pooled ImageNet MobileNetV2 features', 'testPictures': int(len(parts['test'][1])),
            'auroc': round(logistic_auroc(*parts['fit'], *parts['test']), 4)}


def features_name(period, sort):
    return f'step energy by {period}-px phase' + (', sorted (blocking strength, phase removed)' if sort else '')


def logistic_auroc(train_x, train_y, test_x, test_y):
    scores = subject.fit_logistic(train_x, train_y)(test_x)
    return common.auroc(scores[test_y == 0], scores[test_y == 1])


def pictures_of(table, label, rng):
    groups = native.split_pictures(table, label, 'train')
    everything = [p for pictures in groups.values() for p in pictures]
    return [everything[i] for i in rng.permutation(len(everything))[:PER_CLASS]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', default=OUT)
    out = parser.parse_args().out
    common.set_up_cpu()
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    table = splits.build(common.DEFAULT_SEED)
    real, fake = pictures_of(table, 'real', rng), pictures_of(table, 'generated', rng)
    half = lambda items: (items[::2], items[1::2])
    results = {'note': __doc__.strip().splitlines()[0], 'pictures': {'real': len(real), 'generated': len(fake)}, 'controls': []}
    built = {}
    for pipeline, period, sort in CONTROLS:
        if pipeline not in built:
            built[pipeline] = {label: [PIPELINES[pipeline](picture, rng) for picture in pictures]
                               for label, pictures in (('real', real), ('generated', fake))}
        parts = {}
        for side, index in (('fit', 0), ('test', 1)):
            x, y = [], []
            for label, value in (('real', 0), ('generated', 1)):
                for windows in half(built[pipeline][label])[index]:
                    if len(windows):
                        x.append(phase_features(windows, period, sort))
                        y.append(np.full(len(windows), value))
            parts[side] = (np.concatenate(x), np.concatenate(y))
        value = logistic_auroc(*parts['fit'], *parts['test'])
        compression = sort or pipeline.startswith('train.py --prior-save')
        row = {'control': 'compression' if compression else 'grid phase', 'pipeline': pipeline, 'features': features_name(period, sort),
               'testCrops': int(len(parts['test'][1])), 'auroc': round(value, 4)}
        results['controls'].append(row)
        print(row, flush=True)
    results['controls'].append(subject_control(real, fake, half))
    print(results['controls'][-1], flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    common.write_json(out, results)


if __name__ == '__main__':
    main()
