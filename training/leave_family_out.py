"""Leave-family-out (issue 19's report): how the trace views do on generator families they never saw.

The frozen backbone's features of every training window are banked once (feature_bank.py, as
objectives.train_banked_trace_svdd does); for each fold, whole generator families (diffusion, GAN, autoregressive,
commercial) leave the bank and the head is fitted on the rest, as training fits it; then the fold's families are
scored, every picture of theirs in ../shared/data (none was trained on in that fold), against the real pictures of
the test split (training/data-splits.json). The threshold is the 99th percentile of the validation real pictures'
scores (a 1% false-alarm operating point chosen on validation, like the default preset). Scores are the trace view
alone, per picture the geometric mean of its crops' top k (3 unless --top-k), on pictures as stored (no edits). Our
TAEF2 round trips are not in these folds' training data.

With --autoencoder each fold also fits the trace autoencoder on the same rows (objectives.train_feature_autoencoder,
training's recipe: the frozen block-10 map through a 16-channel code, --ae-steps steps), and scores it alone and the
pair the way the ensemble averages the two models: each model's picture score mapped to its rank among the
validation real pictures' scores (what per-view calibration does, up to the curve's shape), the two ranks averaged
50/50, the threshold again the pair's 99th percentile on the validation real pictures. Pooled figures weigh every
held-out picture alike (each scored by its own fold's models against the test real pictures scored by the same).

Reads ../shared/data through native.split_pictures; writes training/results/leave-family-out.json.
Run: /usr/bin/python3 training/leave_family_out.py [--steps N] [--top-k K] [--autoencoder [--ae-steps N]] [--out PATH]"""
import argparse
import os
import time

import numpy as np
import torch

import calibration
import feature_bank
import native
import objectives
import splits
from common import DEFAULT_SEED, auroc, log, rank_among, set_up_cpu, write_json

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


def fold_result(score, families, real_features, held_out):
    """One fold's figures for one scorer (`score`: picture_features rows -> raw picture scores): the held-out
    families' pictures against the test split's real pictures, at the 99th percentile of the validation real
    pictures' scores."""
    threshold = float(np.quantile(score(real_features['validation']), 0.99))
    real_scores = score(real_features['test'])
    per_family, pooled = {}, []
    for family in families:
        if not held_out.get(family):
            continue
        fake_scores = score(held_out[family])
        pooled.append(fake_scores)
        per_family[family] = {'pictures': len(fake_scores), 'auroc': round(auroc(real_scores, fake_scores), 4),
                              'caught': round(float((fake_scores >= threshold).mean()), 4)}
    pooled = np.concatenate(pooled)
    return {'heldOut': list(families), 'auroc': round(auroc(real_scores, pooled), 4),
            'caught': round(float((pooled >= threshold).mean()), 4),
            'realFlagged': round(float((real_scores >= threshold).mean()), 4), 'pictures': len(pooled), 'families': per_family}


def head_scorer(head, centre, top_k):
    return lambda features: feature_bank.picture_scores(head, centre, features, top_k)


def autoencoder_scorer(autoencoder, top_k):
    """Each picture's raw trace score from the feature autoencoder's errors of its crops' block-10 maps."""
    @torch.no_grad()
    def score(features):
        return np.array([calibration.aggregate_crops(autoencoder.error(maps.float()).numpy(), top_k) for maps, _ in features])
    return score


def pair_scorer(scorers, real_features):
    """The mean of each scorer's rank among the validation real pictures' scores."""
    references = [score(real_features['validation']) for score in scorers]
    return lambda features: np.mean([rank_among(ref, score(features)) for score, ref in zip(scorers, references)], 0)


def fit_fold_head(extractor, banks, families, steps=feature_bank.HEAD_STEPS, members=None, seed=DEFAULT_SEED, **options):
    """The fold's crop head, fitted on the bank without `families` from `seed` (objectives.fit_head's `options`): (head, centre)."""
    torch.manual_seed(seed)
    head = feature_bank.shipped_head(extractor, members=members)
    centre = objectives.fit_head(head, banks['real'], banks['generated'].without(families), steps, torch.Generator().manual_seed(seed),
                                 feature_bank.HEAD_ETA, **options)
    return head, centre


def fit_fold_autoencoder(banks, families, steps=objectives.TRACE_STEPS, eta=1.0):
    """The fold's trace autoencoder, fitted on the bank without `families` as training fits it."""
    torch.manual_seed(DEFAULT_SEED)
    return objectives.train_feature_autoencoder(banks['real'], banks['generated'].without(families), steps,
                                                torch.Generator().manual_seed(DEFAULT_SEED), eta)


def fit_fold_models(args, extractor, banks, families):
    """The fold's fitted models, trained on the bank without `families`: (head, centre, autoencoder or None)."""
    head, centre = fit_fold_head(extractor, banks, families, args.steps, args.members, mix_share=args.head_mix)
    autoencoder = fit_fold_autoencoder(banks, families, args.ae_steps, args.ae_eta) if args.autoencoder else None
    return head, centre, autoencoder


def fit_fold(args, extractor, banks, families):
    """The fold's scorers: {'svdd': head} and, with --autoencoder, the autoencoder alone and the pair."""
    head, centre, autoencoder = fit_fold_models(args, extractor, banks, families)
    scorers = {'svdd': head_scorer(head, centre, args.top_k)}
    if autoencoder is not None:
        scorers['autoencoder'] = autoencoder_scorer(autoencoder, args.top_k)
    return scorers


def pooled(rows):
    """Over folds: the mean of the fold figures, and the figures with every held-out picture weighing alike."""
    rows = list(rows)
    pictures = [r['pictures'] for r in rows]
    return {'meanAuroc': round(float(np.mean([r['auroc'] for r in rows])), 4),
            'meanCaught': round(float(np.mean([r['caught'] for r in rows])), 4),
            'pooledAuroc': round(float(np.average([r['auroc'] for r in rows], weights=pictures)), 4),
            'pooledCaught': round(float(np.average([r['caught'] for r in rows], weights=pictures)), 4)}


def features_by_split(extractor, bank_cache=None):
    """The training banks (read from `bank_cache` when given), the validation and test real pictures' features by
    split, and the generated pictures' by split and family."""
    table = splits.build(DEFAULT_SEED)
    banks = feature_bank.load_banks(bank_cache) if bank_cache else feature_bank.training_banks(extractor, table)
    real = {split: feature_bank.picture_features(extractor, [p for ps in pictures_of(table, 'real', split).values() for p in ps])
            for split in ('validation', 'test')}
    generated = {split: {g: feature_bank.picture_features(extractor, ps) for g, ps in pictures_of(table, 'generated', split).items()}
                 for split in ('train', 'validation', 'test')}
    return banks, real, generated


def cached_features_by_split(extractor, cache=None):
    """features_by_split, kept in the file `cache` when given (read when present, written when missing)."""
    if cache and os.path.exists(cache):
        banks, real, generated = torch.load(cache, weights_only=False)
        for bank in banks.values():  # banks cached before FeatureBank kept its layout
            bank.layout = getattr(bank, 'layout', bank.groups)
        return banks, real, generated
    banks, real, generated = features_by_split(extractor)
    if cache:
        torch.save((banks, real, generated), cache)
    return banks, real, generated


def probe_features(cache=None):
    """The probes' start: the CPU set up, the shipped extractor, and cached_features_by_split's banks and features."""
    set_up_cpu()
    extractor, started = feature_bank.shipped_extractor(), time.time()
    banks, real, generated = cached_features_by_split(extractor, cache)
    log(f'features ({time.time() - started:.0f}s)')
    return extractor, banks, real, generated


def all_features(args, extractor):
    """The training banks, the validation and test real pictures' features, and every generated picture's, by family
    (its splits in order, as pictures_of gives them)."""
    banks, real_features, generated = features_by_split(extractor, args.bank_cache)
    held_out = {}
    for by_family in generated.values():
        for family, features in by_family.items():
            held_out.setdefault(family, []).extend(features)
    return banks, real_features, held_out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=feature_bank.HEAD_STEPS)
    parser.add_argument('--members', type=int, default=feature_bank.HEAD_MEMBERS, help='heads per fold (feature_bank.HeadEnsemble)')
    parser.add_argument('--head-mix', type=float, default=feature_bank.HEAD_MIX, help="share of the head's rows given MixStyle (train.py --head-mix)")
    parser.add_argument('--top-k', type=int, default=TOP_K, help="crops a picture's score aggregates (the shipped manifest: input.crops.topK)")
    parser.add_argument('--autoencoder', action='store_true', help='also fit the trace autoencoder per fold; score it and the pair')
    parser.add_argument('--ae-steps', type=int, default=objectives.TRACE_STEPS, help="the trace autoencoder's steps (train.py --trace-steps)")
    parser.add_argument('--ae-eta', type=float, default=1.0, help="the trace autoencoder's push on generated rows (train.py --ae-eta)")
    parser.add_argument('--out', default=RESULTS)
    parser.add_argument('--bank-cache', default=None, help="the training banks probe_features.py wrote (the same pools, seed and windows)")
    parser.add_argument('--features-cache', default=None, help='a file keeping the banks and the pictures\' features between runs '
                        '(written when missing, read when present)')
    args = parser.parse_args()
    set_up_cpu()
    extractor, started = feature_bank.shipped_extractor(), time.time()
    if args.features_cache and os.path.exists(args.features_cache):
        banks, real_features, held_out = torch.load(args.features_cache, weights_only=False)
    else:
        banks, real_features, held_out = all_features(args, extractor)
        if args.features_cache:
            torch.save((banks, real_features, held_out), args.features_cache)
    log(f'features of training windows and of every picture ({time.time() - started:.0f}s)')
    results = {'method': ' '.join(__doc__.split('\n\n')[1:3]).replace('\n', ' ') if args.autoencoder else __doc__.split('\n\n')[1].replace('\n', ' '),
               'steps': args.steps, 'headMembers': args.members, 'headMixShare': args.head_mix, 'topK': args.top_k,
               **({'autoencoderSteps': args.ae_steps, 'autoencoderEta': args.ae_eta} if args.autoencoder else {}),
               'priorSaveShare': native.PRIOR_SAVE_SHARE, 'finishingShare': native.FINISHING_SHARE,
               'testRealPictures': len(real_features['test']), 'folds': {}}
    for fold, families in FOLDS.items():
        started = time.time()
        scorers = fit_fold(args, extractor, banks, families)
        row = results['folds'][fold] = fold_result(scorers['svdd'], families, real_features, held_out)
        if args.autoencoder:
            row['autoencoder'] = fold_result(scorers['autoencoder'], families, real_features, held_out)
            row['pair'] = fold_result(pair_scorer(list(scorers.values()), real_features), families, real_features, held_out)
        row['seconds'] = round(time.time() - started)
        log(f'fold {fold}: ' + ', '.join(f'{name} AUROC {r["auroc"]}, caught {r["caught"]}, real flagged {r["realFlagged"]}'
                                         for name, r in (('svdd', row), ('autoencoder', row.get('autoencoder')), ('pair', row.get('pair'))) if r)
            + f' ({row["seconds"]}s)')
    folds = list(results['folds'].values())
    results.update({key: value for key, value in pooled(folds).items() if key.startswith('mean') or args.autoencoder})
    if args.autoencoder:
        results['autoencoder'] = pooled(f['autoencoder'] for f in folds)
        results['pair'] = pooled(f['pair'] for f in folds)
    write_json(args.out, results)


if __name__ == '__main__':
    main()
