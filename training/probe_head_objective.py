"""Probe (issue 19): can the trace head's objective, rather than its features or its data, make it transfer to
generator families it never saw? Two domain-generalisation recipes against the shipped one, on the same banked
block-10 features, folds and seeds:
- group DRO (Sagawa et al. 2020; objectives.group_dro_push): the generated rows' push weighted toward the families
  the head separates worst in training, instead of by how often each is drawn; `dro:STEP`, the weights' step size;
- MixStyle (Zhou et al. 2021; objectives.mix_style): a share of the rows get their channels' mean and spread over
  positions mixed with another row's, so the map's global statistics (much of what a picture shows) stop telling
  the classes apart; `mix:SHARE`;
- `base`, the shipped objective; several recipes joined with '+' ('dro:0.01+mix:0.5'); '#N' fits the head from
  seed DEFAULT_SEED + N (one head's figures move with its seed: feature_bank.HEAD_MEMBERS' note).

Judged as probe_aggregation.py judges, with the shipped aggregation (up to 8 crops, top 5): per
leave_family_out.FOLDS fold the fold's families leave the bank, the head is fitted on the rest (and the trace
autoencoder once per fold, the shipped recipe, paired with each head as the ensemble pairs them), and the held-out
families' training- and validation-split pictures are scored against the validation real pictures (validation
judge, for a choice), with the fold's other families' validation pictures as the in-distribution judge; the test
figures (every held-out picture against the test real pictures) are reported, never chosen on. The head alone
(Deep SVDD) is reported beside the pair.

Writes training/results/head-objective-probe.json.
Run: /usr/bin/python3 training/probe_head_objective.py [--variants base,dro:0.01,mix:0.5] --features-cache PATH
(the cache probe_aggregation.py --features-cache writes; made when missing)"""
import argparse
import os
import time

import leave_family_out
import probe_aggregation
from common import DEFAULT_SEED, log, write_json

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results', 'head-objective-probe.json')
VARIANTS = 'base,dro:0.01,mix:0.5'
SHIPPED_AGGREGATION = (8, 5, False)


def recipe(name):
    """'dro:0.01+mix:0.5#2' -> (train_head's keyword arguments, seed: DEFAULT_SEED + the number after '#', if any)."""
    name, _, offset = name.partition('#')
    keys = {'dro': 'dro_step', 'mix': 'mix_share'}
    return ({keys[part.split(':')[0]]: float(part.split(':')[1]) for part in name.split('+') if part != 'base'},
            DEFAULT_SEED + int(offset or 0))


def head_alone(values):
    """Crop values whose autoencoder side repeats the head's, so pair_scores ranks the head alone."""
    return {'svdd': values['svdd'], 'autoencoder': values['svdd']}


def fold_rows(extractor, banks, real, generated, families, variants):
    """One fold's figures per variant, for the pair and for the head alone."""
    autoencoder = leave_family_out.fit_fold_autoencoder(banks, families)
    rows = {}
    for name in variants:
        options, seed = recipe(name)
        head, centre = leave_family_out.fit_fold_head(extractor, banks, families, seed=seed, **options)
        values = probe_aggregation.fold_values(head, centre, autoencoder, real, generated)
        alone = {'real': {s: head_alone(v) for s, v in values['real'].items()},
                 'generated': {s: {g: head_alone(v) for g, v in by_family.items()} for s, by_family in values['generated'].items()}}
        rows[name] = probe_aggregation.fold_figures(values, families, SHIPPED_AGGREGATION)
        rows[name + ' (svdd)'] = probe_aggregation.fold_figures(alone, families, SHIPPED_AGGREGATION)
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--variants', default=VARIANTS)
    parser.add_argument('--features-cache', default=None)
    parser.add_argument('--out', default=RESULTS)
    args = parser.parse_args()
    variants = args.variants.split(',')
    extractor, banks, real, generated = leave_family_out.probe_features(args.features_cache)
    folds = {}
    for fold, families in leave_family_out.FOLDS.items():
        started = time.time()
        folds[fold] = fold_rows(extractor, banks, real, generated, families, variants)
        log(f'fold {fold} ({time.time() - started:.0f}s): ' + '; '.join(
            f'{name} val {r["validation"]["auroc"]}/{r["validation"]["caught"]} in-dist {r["inDistribution"]["auroc"]} '
            f'test {r["test"]["auroc"]}/{r["test"]["caught"]}' for name, r in folds[fold].items()))
    names = list(next(iter(folds.values())))
    results = {'method': ' '.join(__doc__.split('\n\n')[:2]).replace('\n', ' '), 'aggregation': '8:5', 'folds': folds,
               'summary': {name: probe_aggregation.summary(folds, name) for name in names}}
    for name, row in results['summary'].items():
        log(f'{name}: ' + ', '.join(f'{judge} {r["meanAuroc"]} / {r["meanCaught"]}' for judge, r in row.items()))
    write_json(args.out, results)


if __name__ == '__main__':
    main()
