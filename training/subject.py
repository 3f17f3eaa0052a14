"""What a picture shows, as a shortcut: thumbnail features, the subject control's logistic regression, and the
propensity weights that take subject out of the trace view's training draw (train.py --subject-balance).

Every real training picture is a photograph while many generated ones are illustrations, renders or studio portraits,
so what a picture shows predicts its class (controls.py's subject control) and the shipped models partly learned it
(report.json `wild.bySubject`: generated photographs are caught least). Inverse propensity weighting: a logistic
regression on each whole picture's thumbnail features gives p = P(generated | what it shows), fitted on one half of
the pictures and applied to the other (cross-fitted, so a picture's weight never comes from a fit that saw it);
generated pictures then weigh 1 / p and real ones 1 / (1 - p), raised to --subject-balance (1: full weighting,
0: none, the shipped recipe). Under these weights both classes show the same mix of subjects: the weighted AUROC of
the held-out p is the check (training fact `subjectBalance`).

Reads pictures (uint8 HWC arrays); writes nothing."""
import numpy as np
import torch
from PIL import Image

import common
import pretrained

THUMBNAIL = 96  # px: few traces survive, what the picture shows does
FOLDS = 2
CLIP = 0.05  # p is clipped to [CLIP, 1 - CLIP]: no picture weighs more than 1 / CLIP


def subject_backbone():
    """Frozen ImageNet MobileNetV2 up to its last block (pretrained.py)."""
    return pretrained.MobileNetV2Features(last_block=len(pretrained.BLOCKS) - 1)


@torch.no_grad()
def thumbnail_features(pictures, backbone):
    """[n, 320]: what each whole picture shows at THUMBNAIL px, MobileNetV2's last block averaged over the map."""
    features = []
    for picture in pictures:
        thumbnail = np.asarray(Image.fromarray(picture).resize((THUMBNAIL, THUMBNAIL), Image.BOX), np.float32) / 255
        features.append(backbone(torch.from_numpy(thumbnail).permute(2, 0, 1)[None]).mean((2, 3))[0].numpy())
    return np.stack(features)


def fit_logistic(x, y, steps=400):
    """A standardised logistic regression (Adam, no penalty beyond early stopping at `steps`): returns score(x)."""
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y).float()
    mean, std = x_t.mean(0), x_t.std(0) + 1e-6
    coefficients = torch.zeros(x.shape[1], requires_grad=True)
    bias = torch.zeros(1, requires_grad=True)
    optimiser = torch.optim.Adam([coefficients, bias], lr=0.05)
    for _ in range(steps):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(((x_t - mean) / std) @ coefficients + bias, y_t)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    coefficients, bias = coefficients.detach(), bias.detach()
    return lambda z: (((torch.from_numpy(z) - mean) / std) @ coefficients + bias).numpy()


def weighted_auroc(scores, labels, weights):
    """AUROC with each picture counted by its weight (ties count half)."""
    negative, positive = scores[labels == 0], scores[labels == 1]
    negative_weight, positive_weight = weights[labels == 0], weights[labels == 1]
    order = np.argsort(negative, kind='mergesort')
    sorted_negative, cumulative = negative[order], np.concatenate([[0.0], np.cumsum(negative_weight[order])])
    below = cumulative[np.searchsorted(sorted_negative, positive, 'left')]
    tied = cumulative[np.searchsorted(sorted_negative, positive, 'right')] - below
    return float((positive_weight * (below + 0.5 * tied)).sum() / (positive_weight.sum() * negative_weight.sum()))


def cross_fitted_propensity(features, labels, seed):
    """P(generated | what the picture shows) of each picture: its logit from a fit on the other folds, then one
    Platt scaling of those held-out logits (a 320-feature fit on a few hundred pictures is overconfident, and
    overconfident propensities overcorrect: reals that look generated would dominate the real draw)."""
    folds = np.random.default_rng(seed).permutation(len(labels)) % FOLDS
    held_out = np.empty(len(labels))
    for fold in range(FOLDS):
        held_out[folds == fold] = fit_logistic(features[folds != fold], labels[folds != fold])(features[folds == fold])
    platt = fit_logistic(held_out[:, None].astype(np.float32), labels)
    propensity = 1 / (1 + np.exp(-platt(held_out[:, None].astype(np.float32))))
    return np.clip(propensity, CLIP, 1 - CLIP)


def balance_weights(real_groups, fake_groups, strength, seed, log=print):
    """Per picture, the weight that balances subject across the classes: ({group: weights} real, the same generated,
    facts). Each class's weights have mean 1 over its pictures."""
    backbone = subject_backbone()
    groups = [('real', g, p) for g, p in real_groups.items()] + [('generated', g, p) for g, p in fake_groups.items()]
    features = np.concatenate([thumbnail_features(pictures, backbone) for _, _, pictures in groups if len(pictures)])
    labels = np.concatenate([np.full(len(p), label == 'generated', np.int64) for label, _, p in groups if len(p)])
    propensity = cross_fitted_propensity(features, labels, seed)
    weights = np.where(labels == 1, 1 / propensity, 1 / (1 - propensity)) ** strength
    for value in (0, 1):
        weights[labels == value] /= weights[labels == value].mean()
    out, start = {'real': {}, 'generated': {}}, 0
    for label, group, pictures in groups:
        out[label][group] = weights[start:start + len(pictures)]
        start += len(pictures)
    facts = {'strength': strength, 'pictures': int(len(labels)), 'thumbnail': THUMBNAIL,
             'heldOutAuroc': round(common.auroc(propensity[labels == 0], propensity[labels == 1]), 4),
             'heldOutAurocWeighted': round(weighted_auroc(propensity, labels, weights), 4),
             'largestWeight': round(float(weights.max()), 2)}
    log(f'subject balance: held-out subject AUROC {facts["heldOutAuroc"]} unweighted, {facts["heldOutAurocWeighted"]} '
        f'under the weights ({facts["pictures"]} pictures, largest weight {facts["largestWeight"]})')
    return out['real'], out['generated'], facts
