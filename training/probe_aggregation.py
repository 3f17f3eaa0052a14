"""Probe (issue 19): how many crops a picture is judged on, and how many of them count, for generator families the
models never saw; chosen without the test split.

The nineteenth round picked up to 8 crops instead of 5 and kept the top 5 (validation: trained families). A top-k
of more windows is a statistic nearer the maximum: a picture with 8 crops scores higher than the same picture with
5, real or generated. Pictures of 256 px or less get at most 5 crops whatever the limit, so when real photos are
larger than the generated pictures they are weighed against, more crops lift the reals alone. This probe measures
each aggregation `N:K` (the first N crops in the browser's pick order, which are exactly the crops a limit of N
picks; the geometric mean of the K highest of them; K a share when under 1: round(K x crops), at least 1) with
leave_family_out.py's folds and models (head and trace autoencoder fitted once per fold, without its families):
- validation judge (for a choice): the held-out families' training- and validation-split pictures, as stored,
  against the validation real pictures, the pair of models as leave_family_out.py pairs them; AUROC, and the share
  caught at the validation reals' 99th percentile;
- the same for large pictures alone (both sides judged on 6 crops or more with a limit of 8: larger than 256 px),
  where the limit changes what is judged on both sides and the picture's size cannot take sides;
- in-distribution judge (for a choice): each fold's other families' validation pictures against the same reals
  (pictures of families the fold's models were trained on, as train.py's validation reads them);
- real scores by crop count: the validation reals' mean pair score for pictures with 2-5 crops and with 6-8, to
  show how much a statistic depends on the picture's size;
- test figures (report only, as leave_family_out.py: every held-out picture against the test real pictures).

Writes training/results/aggregation-probe.json.
Run: /usr/bin/python3 training/probe_aggregation.py [--variants 5:5,8:5,...] [--features-cache PATH]"""
import argparse
import os

import numpy as np
import torch

import calibration
import feature_bank
import leave_family_out
import objectives
from common import auroc, log, rank_among, write_json

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'aggregation-probe.json')
VARIANTS = '5:5,5:3,8:5,8:3,8:8,8:0.625,8:5/b,5:5/b'


def parse_variant(text):
    """'N:K' or 'N:K/b' -> (N, K, bucketed)."""
    crops, count = text.removesuffix('/b').split(':')
    return int(crops), float(count) if '.' in count else int(count), text.endswith('/b')


# Pictures judged on this many crops or more with a limit of 8 are larger than 256 px (one of 256 px fits 5).
LARGE = 6


def bucket(crop_count):
    """Crop-count buckets for per-bucket calibration: one crop, 2 to LARGE - 1 (pictures of 256 px or less), LARGE or more."""
    return 0 if crop_count <= 1 else 1 if crop_count < LARGE else 2


def aggregate(values, variant):
    """A picture's raw trace score under `variant` (N, K, _) from its crops' raw scores in pick order."""
    crops, count, _ = variant
    values = np.asarray(values)[:crops]
    top_k = count if isinstance(count, int) else max(1, int(round(count * len(values))))
    return calibration.aggregate_crops(values, top_k)


@torch.no_grad()
def crop_values(head, centre, autoencoder, features):
    """Per picture, each model's raw score of every crop: {'svdd': [array], 'autoencoder': [array]}."""
    return {'svdd': feature_bank.crop_distances(head, centre, features),
            'autoencoder': [autoencoder.error(maps.float()).numpy() for maps, _ in features]}


def fold_values(head, centre, autoencoder, real, generated):
    """crop_values of every picture the judges read: {'real': {split: ...}, 'generated': {split: {family: ...}}}."""
    return {'real': {s: crop_values(head, centre, autoencoder, f) for s, f in real.items()},
            'generated': {s: {g: crop_values(head, centre, autoencoder, f) for g, f in by_family.items()}
                          for s, by_family in generated.items()}}


def pair_scores(values, reference, variant):
    """The pair's score of each picture: each model's aggregate ranked among the reference pictures' aggregates, the
    two ranks averaged (leave_family_out.pair_scorer); with a bucketed variant, ranked among the reference pictures
    with as many crops (`bucket`), as a calibration curve per crop-count bucket would put them."""
    ranks = []
    ref_buckets = np.array([bucket(min(len(v), variant[0])) for v in reference['svdd']])
    buckets = np.array([bucket(min(len(v), variant[0])) for v in values['svdd']])
    for model in ('svdd', 'autoencoder'):
        ref = np.array([aggregate(v, variant) for v in reference[model]])
        scores = np.array([aggregate(v, variant) for v in values[model]])
        if not variant[2]:
            ranks.append(rank_among(ref, scores))
            continue
        rank = np.zeros(len(scores))
        for b in np.unique(buckets):
            pool = ref[ref_buckets == b] if (ref_buckets == b).any() else ref
            rank[buckets == b] = rank_among(pool, scores[buckets == b])
        ranks.append(rank)
    return np.mean(ranks, 0)


def judged(real, fake, threshold):
    if len(fake) == 0 or len(real) == 0:
        return {'auroc': None, 'caught': None, 'pictures': len(fake)}
    return {'auroc': round(auroc(real, fake), 4), 'caught': round(float((fake >= threshold).mean()), 4), 'pictures': len(fake)}


def joined(parts):
    return {model: [v for part in parts for v in part[model]] for model in ('svdd', 'autoencoder')}


def fold_figures(values, families, variant):
    """One fold's figures for one variant from the fold models' crop values (`values`: {'real': {split: ...},
    'generated': {split: {family: ...}}})."""
    reference = values['real']['validation']
    real_val = pair_scores(reference, reference, variant)
    threshold = float(np.quantile(real_val, 0.99))
    generated = values['generated']
    held_val = joined([generated[s][f] for s in ('train', 'validation') for f in families if f in generated[s]])
    seen_val = joined([v for f, v in generated['validation'].items() if f not in families])
    held_all = joined([generated[s][f] for s in generated for f in families if f in generated[s]])
    counts = np.array([len(v) for v in reference['svdd']])
    held_scores = pair_scores(held_val, reference, variant)
    held_large = np.array([len(v) for v in held_val['svdd']]) >= LARGE
    return {'validation': judged(real_val, held_scores, threshold),
            'validationLarge': judged(real_val[counts >= LARGE], held_scores[held_large], threshold),
            'inDistribution': judged(real_val, pair_scores(seen_val, reference, variant), threshold),
            'realMeanByCrops': {'2-5': round(float(real_val[(counts >= 2) & (counts < LARGE)].mean()), 4),
                                '6-8': round(float(real_val[counts >= LARGE].mean()), 4)},
            'test': judged(pair_scores(values['real']['test'], reference, variant), pair_scores(held_all, reference, variant), threshold)}


def summary(folds, variant_name):
    """Per judge, the mean over the folds that have pictures for it (leave_family_out.pooled's means)."""
    out = {}
    for judge in ('validation', 'validationLarge', 'inDistribution', 'test'):
        rows = [f[variant_name][judge] for f in folds.values() if f[variant_name][judge]['auroc'] is not None]
        out[judge] = {key: value for key, value in leave_family_out.pooled(rows).items() if key.startswith('mean')}
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--variants', default=VARIANTS)
    parser.add_argument('--features-cache', default=None, help='keeps the banks and the pictures\' features between runs')
    parser.add_argument('--out', default=RESULTS)
    args = parser.parse_args()
    fit_args = argparse.Namespace(steps=feature_bank.HEAD_STEPS, members=feature_bank.HEAD_MEMBERS, head_mix=0.0, autoencoder=True,  # head_mix 0: the committed results' recipe (before the twenty-first round)
                                  ae_steps=objectives.TRACE_STEPS, ae_eta=1.0)
    variants = {name: parse_variant(name) for name in args.variants.split(',')}
    extractor, banks, real, generated = leave_family_out.probe_features(args.features_cache)
    folds = {}
    for fold, families in leave_family_out.FOLDS.items():
        head, centre, autoencoder = leave_family_out.fit_fold_models(fit_args, extractor, banks, families)
        values = fold_values(head, centre, autoencoder, real, generated)
        folds[fold] = {name: fold_figures(values, families, variant) for name, variant in variants.items()}
        log(f'fold {fold}: ' + '; '.join(f'{name} val {r["validation"]["auroc"]}/{r["validation"]["caught"]} '
                                         f'large {r["validationLarge"]["auroc"]}/{r["validationLarge"]["pictures"]} in-dist {r["inDistribution"]["auroc"]} test {r["test"]["auroc"]}/{r["test"]["caught"]} '
                                         f'reals {r["realMeanByCrops"]}' for name, r in folds[fold].items()))
    results = {'method': __doc__.split('\n\n')[1].replace('\n', ' '), 'folds': folds,
               'summary': {name: summary(folds, name) for name in variants}}
    for name, row in results['summary'].items():
        log(f'{name}: ' + ', '.join(f'{judge} {r["meanAuroc"]} / {r["meanCaught"]}' for judge, r in row.items()))
    write_json(args.out, results)


if __name__ == '__main__':
    main()
