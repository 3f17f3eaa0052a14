"""The training objectives: Deep SAD (the hypersphere classifier form) and a Deep-SAD-style autoencoder for each view,
both against labelled anomalies (generated pictures, plus procedural corruptions for the whole-image view).

Reads tensors and crop pools from whole_view.py / trace_view.py; writes nothing: returns trained modules."""
import time

import torch

import corruptions
import crops
import feature_bank
import networks
from common import evaluate_in_chunks, log
from trace_view import BalancedPool, trace_batch

# The trace views' training steps unless told otherwise (train.py --trace-steps, leave_family_out.py --ae-steps).
TRACE_STEPS = 2000


def batches(images, batch_size, generator):
    order = torch.randperm(len(images), generator=generator)
    for start in range(0, len(images) - batch_size + 1, batch_size):
        batch = images[order[start:start + batch_size]]
        flip = torch.rand(len(batch), generator=generator) < 0.5
        batch[flip] = batch[flip].flip(3)
        yield batch


def random_rows(images, count, generator):
    picked = images[torch.randint(0, len(images), (count,), generator=generator)]
    flip = torch.rand(count, generator=generator) < 0.5
    picked[flip] = picked[flip].flip(3)
    return picked


def anomalies_for(batch, generated, count, generator):
    """Deep SAD's labelled anomalies: generated pictures, plus a quarter procedural corruptions (so the
    unnatural-image side of the seed's benchmark stays covered)."""
    corrupted = count // 4
    return torch.cat([random_rows(generated, count - corrupted, generator), corruptions.corrupt(batch[:corrupted], generator)])


def initial_centre(encoder, images):
    encoder.eval()
    with torch.no_grad():  # fixed from an initial pass and never trained (Ruff et al.)
        return centre_of(evaluate_in_chunks(encoder, images))


def centre_of(embeddings):
    """The hypersphere centre: the mean embedding, each coordinate at least 0.1 from zero."""
    centre = embeddings.mean(0)
    centre[(centre.abs() < 0.1) & (centre < 0)] = -0.1
    centre[(centre.abs() < 0.1) & (centre >= 0)] = 0.1
    return centre


def one_cycle(parameters, steps, peak=2e-3):
    optimiser = torch.optim.Adam(parameters, lr=peak / 2, weight_decay=1e-6)
    return optimiser, torch.optim.lr_scheduler.OneCycleLR(optimiser, peak, total_steps=max(1, steps))


def take_step(optimiser, schedule, loss):
    """One optimiser step on `loss`, then the learning-rate schedule's."""
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    schedule.step()


def hypersphere_classifier_loss(distances, count, eta):
    """Deep SAD's objective in the form of the hypersphere classifier (Ruff et al. 2020, "Rethinking assumptions
    in deep anomaly detection"): with h the pseudo-Huber of the squared distance, the first `count` (normal)
    pictures pull h down and the labelled anomalies push -log(1 - exp(-h)) down, a cross-entropy with
    P(normal) = exp(-h), which stops pushing once an anomaly is well outside. Deep SAD's 1/distance push, for
    the whole-image view on CIFAKE (validation, 20,000 + 20,000 training pictures, 2 epochs): AUROC 0.968 vs 0.978."""
    h = pseudo_huber(distances)
    return h[:count].mean() + eta * anomaly_push(h[count:]).mean()


def pseudo_huber(distances):
    """The hypersphere classifier's h: the pseudo-Huber of a squared distance."""
    return torch.sqrt(distances + 1) - 1


def anomaly_push(h):
    """Each labelled anomaly's term of the hypersphere classifier: -log(1 - exp(-h)), the cross-entropy with P(normal) = exp(-h)."""
    return -torch.log(-torch.expm1(-h) + 1e-9)


def train_whole_svdd(normal, generated, args, generator):
    encoder = networks.SvddEncoder()
    centre = initial_centre(encoder, normal[:4096])
    steps_per_epoch = len(normal) // 192
    optimiser, schedule = one_cycle(encoder.parameters(), args.epochs * steps_per_epoch)
    for epoch in range(args.epochs):
        encoder.train()
        total, started = 0.0, time.time()
        for batch in batches(normal, 192, generator):
            anomalies = anomalies_for(batch, generated, 192, generator)
            distances = ((encoder(torch.cat([batch, anomalies])) - centre) ** 2).sum(1)
            loss = hypersphere_classifier_loss(distances, len(batch), args.eta)
            take_step(optimiser, schedule, loss)
            total += float(loss)
        log(f'whole-image svdd epoch {epoch + 1}/{args.epochs} loss {total / max(1, steps_per_epoch):.4f} ({time.time() - started:.0f}s)')
    encoder.eval()
    return encoder, centre


def train_whole_autoencoder(normal, generated, args, generator):
    """Reconstruct natural images well and generated / corrupted ones badly (Deep SAD's idea applied to
    reconstruction error), so the error says 'not a camera picture', not only 'complex'."""
    autoencoder = networks.ConvAutoencoder()
    steps_per_epoch = len(normal) // 192
    optimiser, schedule = one_cycle(autoencoder.parameters(), args.epochs * steps_per_epoch)
    for epoch in range(args.epochs):
        autoencoder.train()
        total, started = 0.0, time.time()
        for batch in batches(normal, 192, generator):
            both = torch.cat([batch, anomalies_for(batch, generated, 128, generator)])
            errors = ((autoencoder(both) - both) ** 2).flatten(1).mean(1)
            loss = errors[:len(batch)].mean() + args.ae_eta * (1e-3 / (errors[len(batch):] + 1e-3)).mean()
            take_step(optimiser, schedule, loss)
            total += float(errors[:len(batch)].mean())
        log(f'whole-image autoencoder epoch {epoch + 1}/{args.epochs} mse {total / max(1, steps_per_epoch):.5f} ({time.time() - started:.0f}s)')
    autoencoder.eval()
    return autoencoder


def trace_autoencoder_loss(autoencoder, batch, count, args):
    """Deep SAD's idea on the log reconstruction error of the residual: down for the first `count` (real) crops,
    up for the generated ones but never past 3 above the real crops' mean (an unbounded push only inflates
    errors). An inverse-error push on the relative error left the trace autoencoder at chance on validation
    SD 1.5 grids (0.51); this objective reached 0.91 there in 400 steps."""
    residual = networks.neighbour_residual(batch)
    return capped_log_error_loss(((autoencoder.decoder(autoencoder.encoder(residual)) - residual) ** 2).flatten(1).mean(1), count, args.ae_eta)


def capped_log_error_loss(errors, count, eta):
    """The trace autoencoder's objective on reconstruction errors [n], the first `count` of real crops: their log
    error down, the generated ones' up by `eta`, each capped at 3 above the real crops' mean."""
    log_error = torch.log(errors + 1e-4)
    ceiling = float(log_error[:count].mean().detach()) + 3
    return log_error[:count].mean() - eta * torch.clamp(log_error[count:], max=ceiling).mean()


def trace_svdd_loss(distances, count, args, kind):
    """The scratch NPR encoder keeps Deep SAD's inverse-distance push (its earlier runs); the pretrained one trains
    with the hypersphere classifier, whose push stops once a generated crop is well outside (probe_pretrained.py)."""
    if kind == 'scratch-npr':
        return distances[:count].mean() + args.eta * (1.0 / (distances[count:] + 1e-6)).mean()
    return hypersphere_classifier_loss(distances, count, args.eta)


# No crop reweighed (train.py's default, --subject-balance 0).
UNWEIGHTED = {'real': None, 'generated': None}


def train_trace(real_pool, fake_pool, args, generator, crop_weights=None):
    """Both trace views: Deep SVDD's (its head on banked features when the encoder is BankedTraceEncoder, else
    online) and the autoencoder's (fit_trace_autoencoder, on the same banks when both read them), each on half real
    crops, half generated. `crop_weights` ({'real' / 'generated': {group: [n]}}, --subject-balance) reweighs the
    crops drawn."""
    kind, banks = networks.TRACE_ENCODER, None
    if kind == 'mobilenet-v2-taps':
        encoder, centre, banks = train_banked_trace_svdd(real_pool, fake_pool, args, generator, crop_weights)
    else:
        encoder, centre = train_online_trace_svdd(*balanced_pools(real_pool, fake_pool, crop_weights), args, generator, kind)
    return encoder, centre, fit_trace_autoencoder(real_pool, fake_pool, args, generator, crop_weights, banks)


def balanced_pools(real_pool, fake_pool, crop_weights=None):
    """(real, generated) BalancedPool of the crop pools, each drawn with its `crop_weights` (none: unweighted)."""
    weights = crop_weights or UNWEIGHTED
    return BalancedPool(real_pool, weights['real']), BalancedPool(fake_pool, weights['generated'])


def fit_trace_autoencoder(real_pool, fake_pool, args, generator, crop_weights=None, banks=None):
    """The trace autoencoder of networks.TRACE_AUTOENCODER's kind: a FeatureTraceAutoencoder fitted on `banks`
    (bank_pools' (real, generated); banked here with its own backbone when not given), or a pixel-residual
    TraceAutoencoder trained on the crop pools."""
    if networks.TRACE_AUTOENCODER == networks.FEATURE_TRACE_AUTOENCODER:
        autoencoder = networks.FeatureTraceAutoencoder()
        banks = banks or bank_pools(autoencoder.extractor, real_pool, fake_pool, generator, crop_weights)
        return train_feature_trace_autoencoder(*banks, args.trace_steps, generator, args.ae_eta, autoencoder)
    return train_trace_autoencoder(*balanced_pools(real_pool, fake_pool, crop_weights), args, generator)


def bank_pools(extractor, real_pool, fake_pool, generator, crop_weights=None):
    """(real, generated) feature_bank.FeatureBank: the frozen backbone's features of feature_bank.VIEWS random
    windows of every training crop, computed once."""
    weights, started = crop_weights or UNWEIGHTED, time.time()
    banks = [feature_bank.FeatureBank.of_pools(extractor, pool, feature_bank.VIEWS, feature_bank.WINDOW, generator, weights[label])
             for label, pool in (('real', real_pool), ('generated', fake_pool))]
    log(f'trace features banked: {sum(len(b.weights) for b in banks)} windows ({time.time() - started:.0f}s)')
    return banks


def train_feature_autoencoder(real, fake, steps, generator, eta=1.0, batch=128, bottleneck=16, kernel=3):
    """A networks.FeatureAutoencoder of banked block-10 maps (feature_bank.FeatureBank), standardised by 4,096 real
    rows' per-channel statistics, trained with the trace autoencoder's capped log-error objective on half real
    rows, half generated."""
    maps = real.draw(4096, generator)[0]
    model = networks.FeatureAutoencoder(maps.shape[1], bottleneck=bottleneck, kernel=kernel,
                                        mean=maps.mean((0, 2, 3)), std=maps.std((0, 2, 3)) + 1e-3)
    optimiser, schedule = one_cycle(model.parameters(), steps)
    for step in range(1, steps + 1):
        model.train()
        errors = model.error(torch.cat([real.draw(batch, generator)[0], fake.draw(batch, generator)[0]]))
        loss = capped_log_error_loss(errors, batch, eta)
        take_step(optimiser, schedule, loss)
        if step % 200 == 0 or step == steps:
            log(f'feature autoencoder step {step}/{steps} loss {float(loss):.4f}')
    model.eval()
    return model


def train_feature_trace_autoencoder(real, fake, steps, generator, eta=1.0, autoencoder=None):
    """`autoencoder` (a new networks.FeatureTraceAutoencoder unless given) with its FeatureAutoencoder fitted on the
    banks `real`, `fake`."""
    started, autoencoder = time.time(), autoencoder or networks.FeatureTraceAutoencoder()
    autoencoder.autoencoder = train_feature_autoencoder(real, fake, steps, generator, eta)
    log(f'trace feature autoencoder: {steps} steps ({time.time() - started:.0f}s)')
    autoencoder.eval()
    return autoencoder


def mix_style(maps, generator, share=0.5, alpha=0.1):
    """MixStyle (Zhou et al. 2021) on a batch of backbone maps: in a random `share` of the rows, each channel's mean
    and standard deviation over positions are mixed (Beta(alpha, alpha) weights) with those of another random row of
    the batch, real or generated, so what a map's global statistics say (colour, contrast, texture: much of what a
    picture shows) stops telling the classes apart and the head must read the arrangement within the map."""
    count = len(maps)
    mean, std = maps.mean((2, 3), keepdim=True), maps.std((2, 3), keepdim=True) + 1e-4
    weight = torch.distributions.Beta(alpha, alpha).sample((count, 1, 1, 1))
    partner = torch.randperm(count, generator=generator)
    mixed_mean, mixed_std = weight * mean + (1 - weight) * mean[partner], weight * std + (1 - weight) * std[partner]
    chosen = (torch.rand(count, generator=generator) < share).view(count, 1, 1, 1)
    return torch.where(chosen, (maps - mean) / std * mixed_std + mixed_mean, maps)


def group_dro_push(losses, groups, weights, step_size):
    """Group DRO (Sagawa et al. 2020) over generator families: each family's mean push loss in the batch raises its
    weight exponentially (`weights`, updated in place, summing to 1); returns the weighted push, so the head works
    hardest on the families it separates worst rather than on the ones most drawn."""
    present = torch.unique(groups)
    means = torch.stack([losses[groups == g].mean() for g in present])
    with torch.no_grad():
        weights[present] *= torch.exp(step_size * means)
        weights /= weights.sum()
    return (weights[present] / weights[present].sum() * means).sum()


def train_head(head, real, fake, steps, generator, eta=1.0, batch=128, dro_step=0.0, mix_share=0.0):
    """Deep SAD (hypersphere classifier) on banked features (feature_bank.FeatureBank): half real rows, half
    generated; the centre fixed from an initial pass over real rows. Returns the centre. Probe options (off in the
    shipped recipe, and then the draws are the same): `dro_step` > 0 weighs the generated rows' push by group DRO
    over `fake`'s groups (group_dro_push); `mix_share` > 0 applies mix_style to that share of the rows."""
    head.eval()
    with torch.no_grad():
        centre = centre_of(head(*real.draw(2048, generator)))
    optimiser, schedule = one_cycle(head.parameters(), steps)
    group_weights = torch.full((len(fake.layout),), 1 / len(fake.layout))
    for step in range(1, steps + 1):
        head.train()
        (real_maps, real_low), (fake_maps, fake_low, groups) = real.draw(batch, generator), fake.draw(batch, generator, groups=True)
        maps = torch.cat([real_maps, fake_maps])
        if mix_share > 0:
            maps = mix_style(maps, generator, mix_share)
        distances = ((head(maps, torch.cat([real_low, fake_low])) - centre) ** 2).sum(1)
        if dro_step > 0:
            h = pseudo_huber(distances)
            loss = h[:batch].mean() + eta * group_dro_push(anomaly_push(h[batch:]), groups, group_weights, dro_step)
        else:
            loss = hypersphere_classifier_loss(distances, batch, eta)
        take_step(optimiser, schedule, loss)
        if step % 200 == 0 or step == steps:
            log(f'trace svdd head step {step}/{steps} loss {float(loss):.4f}')
    head.eval()
    return centre


def fit_head(head, real, fake, steps, generator, eta=1.0, **options):
    """train_head (with its probe `options`) for a feature_bank.Head, or for each member of a HeadEnsemble in turn
    (each from its own initialisation, on its own draws), the members then joined. Returns the centre."""
    if not isinstance(head, feature_bank.HeadEnsemble):
        return train_head(head, real, fake, steps, generator, eta, **options)
    centre = head.join([train_head(member, real, fake, steps, generator, eta, **options) for member in head.members], real, generator)
    log(f'trace svdd heads joined, scales {[round(float(s), 4) for s in head.scales]}')
    return centre


def train_banked_trace_svdd(real_pool, fake_pool, args, generator, crop_weights=None):
    """The frozen backbone's features of feature_bank.VIEWS random windows of every training crop, computed once;
    the head fitted on them for --head-steps (the backbone is most of an online step). Returns (encoder, centre,
    the (real, generated) banks)."""
    encoder, started = networks.trace_encoder('mobilenet-v2-taps', args.head_width, args.head_members), time.time()
    banks = bank_pools(encoder.extractor, real_pool, fake_pool, generator, crop_weights)
    centre = fit_head(encoder.head, *banks, args.head_steps, generator, args.head_eta, dro_step=args.head_dro, mix_share=args.head_mix)
    log(f'trace svdd head: {args.head_members} x {args.head_steps} steps ({time.time() - started:.0f}s)')
    encoder.eval()
    return encoder, centre, banks


def train_online_trace_svdd(real, fake, args, generator, kind):
    """Mostly smaller windows at random offsets (cheap), the last fifth full crops."""
    encoder = networks.trace_encoder(kind)
    centre = initial_centre(encoder, trace_batch(real, 512, generator, crops.CROP))
    optimiser, schedule = one_cycle([p for p in encoder.parameters() if p.requires_grad], args.trace_steps)
    window, started = 64 if kind == 'scratch-npr' else 96, time.time()
    for step in range(1, args.trace_steps + 1):
        encoder.train()
        size = window if step <= args.trace_steps * 0.8 else crops.CROP
        count = 64 if size < crops.CROP else 24
        batch = torch.cat([trace_batch(real, count, generator, size), trace_batch(fake, count, generator, size)])
        loss = trace_svdd_loss(((encoder(batch) - centre) ** 2).sum(1), count, args, kind)
        take_step(optimiser, schedule, loss)
        if step % 200 == 0 or step == args.trace_steps:
            log(f'trace svdd step {step}/{args.trace_steps} loss {float(loss):.4f} ({time.time() - started:.0f}s)')
    encoder.eval()
    return encoder, centre


def train_trace_autoencoder(real, fake, args, generator):
    """64-px windows at random offsets, the last fifth full crops."""
    autoencoder = networks.TraceAutoencoder()
    optimiser, schedule = one_cycle(autoencoder.parameters(), args.trace_steps)
    started = time.time()
    for step in range(1, args.trace_steps + 1):
        autoencoder.train()
        size = 64 if step <= args.trace_steps * 0.8 else crops.CROP
        count = 64 if size < crops.CROP else 24
        batch = torch.cat([trace_batch(real, count, generator, size), trace_batch(fake, count, generator, size)])
        loss = trace_autoencoder_loss(autoencoder, batch, count, args)
        take_step(optimiser, schedule, loss)
        if step % 200 == 0 or step == args.trace_steps:
            log(f'trace autoencoder step {step}/{args.trace_steps} loss {float(loss):.4f} ({time.time() - started:.0f}s)')
    autoencoder.eval()
    return autoencoder
