"""Leave-family-out (issue 19's report): how the trace view's Deep SVDD does on generator families it never saw.

The frozen backbone's features of every training window are banked once (feature_bank.py, as
objectives.train_banked_trace_svdd does); for each fold, whole generator families (diffusion, GAN, autoregressive,
commercial) leave the bank and the head is fitted on the rest, as training fits it; then the fold's families are
scored, every picture of theirs in ../shared/data (none was trained on in that fold), against the real pictures of
the test split (training/data-splits.json). The threshold is the 99th percentile of the validation real pictures'
scores (a 1% false-alarm operating point chosen on validation, like the default preset). Scores are the trace view
alone, per picture the top-3 geometric mean of its crops, on pictures as stored (no edits). Our TAEF2 round trips
are not in these folds' training data.

Reads ../shared/data through native.split_pictures; writes training/results/leave-family-out.json.
Run: /usr/bin/python3 training/leave_family_out.py [--steps N]"""
import argparse
import json
import os
import time

import numpy as np
import torch

import feature_bank
import native
import objectives
import splits
from common import DEFAULT_SEED, auroc, log, set_up_cpu

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'leave-family-out.json')
FOLDS = {
    'gan': ('stylegan', 'biggan'),
    'autoregressive': ('vqgan', 'dalle-mini'),
    'commercial': ('gpt-image', 'dall-e', 'midjourney'),
    'latent-diffusion-unet': ('sd1', 'sd2', 'sdxl', 'sd15-grids', 'latent-diffusion'),
    'other-diffusion': ('pixart', 'dit', 'flux', 'stable-cascade', 'kolors', 'clip-guided-diffusion', 'deepfloyd-if',
                        'kandinsky', 'unclip'),
}
TOP_K = 3


def pictures_of(table, label, split=None, families=None):
    """{group: [uint8 HWC]} of one label, restricted to a split and / or generator families."""
    out = {}
    for name in ('train', 'validation', 'test') if split is None else (split,):
        for group, pictures in native.split_pictures(table, label, name).items():
            if families is None or group in families:
                out.setdefault(group, []).extend(pictures)
    return out


def fold_result(head, centre, families, real_features, held_out):
    """One fold's figures: the held-out families' pictures against the test split's real pictures, at the 99th
    percentile of the validation real pictures' scores."""
    threshold = float(np.quantile(feature_bank.picture_scores(head, centre, real_features['validation'], TOP_K), 0.99))
    real_scores = feature_bank.picture_scores(head, centre, real_features['test'], TOP_K)
    per_family, pooled = {}, []
    for family in families:
        if not held_out.get(family):
            continue
        fake_scores = feature_bank.picture_scores(head, centre, held_out[family], TOP_K)
        pooled.append(fake_scores)
        per_family[family] = {'pictures': len(fake_scores), 'auroc': round(auroc(real_scores, fake_scores), 4),
                              'caught': round(float((fake_scores >= threshold).mean()), 4)}
    pooled = np.concatenate(pooled)
    return {'heldOut': list(families), 'auroc': round(auroc(real_scores, pooled), 4),
            'caught': round(float((pooled >= threshold).mean()), 4),
            'realFlagged': round(float((real_scores >= threshold).mean()), 4), 'pictures': len(pooled), 'families': per_family}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=feature_bank.HEAD_STEPS)
    parser.add_argument('--members', type=int, default=feature_bank.HEAD_MEMBERS, help='heads per fold (feature_bank.HeadEnsemble)')
    parser.add_argument('--out', default=RESULTS)
    parser.add_argument('--bank-cache', default=None, help="the training banks probe_features.py wrote (the same pools, seed and windows)")
    args = parser.parse_args()
    set_up_cpu()
    table, extractor, started = splits.build(DEFAULT_SEED), feature_bank.shipped_extractor(), time.time()
    banks = feature_bank.load_banks(args.bank_cache) if args.bank_cache else feature_bank.training_banks(extractor, table)
    real_features = {split: feature_bank.picture_features(extractor, [p for ps in pictures_of(table, 'real', split).values() for p in ps])
                     for split in ('validation', 'test')}
    held_out = {g: feature_bank.picture_features(extractor, ps) for g, ps in pictures_of(table, 'generated').items()}
    log(f'features of training windows and of every picture ({time.time() - started:.0f}s)')
    results = {'method': __doc__.split('\n\n')[1].replace('\n', ' '), 'steps': args.steps, 'headMembers': args.members, 'topK': TOP_K,
               'priorSaveShare': native.PRIOR_SAVE_SHARE, 'finishingShare': native.FINISHING_SHARE,
               'testRealPictures': len(real_features['test']), 'folds': {}}
    for fold, families in FOLDS.items():
        started = time.time()
        torch.manual_seed(DEFAULT_SEED)
        head = feature_bank.shipped_head(extractor, members=args.members)
        centre = objectives.fit_head(head, banks['real'], banks['generated'].without(families), args.steps,
                                       torch.Generator().manual_seed(DEFAULT_SEED), feature_bank.HEAD_ETA)
        row = results['folds'][fold] = {**fold_result(head, centre, families, real_features, held_out), 'seconds': round(time.time() - started)}
        log(f'fold {fold}: AUROC {row["auroc"]}, caught {row["caught"]}, real flagged {row["realFlagged"]} ({row["seconds"]}s)')
    folds = results['folds'].values()
    results['meanAuroc'] = round(float(np.mean([f['auroc'] for f in folds])), 4)
    results['meanCaught'] = round(float(np.mean([f['caught'] for f in folds])), 4)
    with open(args.out, 'w') as f:
        json.dump(results, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
