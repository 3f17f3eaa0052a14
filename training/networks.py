"""The two detectors, each with two views of a picture.

- The whole-image view: float32 [N, 3, 128, 128] RGB in [0, 1] (the reference's input contract), the centre
  square area-averaged to 128; each graph begins with a fixed 4x4 area average to 32x32, so a 32-px CIFAR image
  upscaled to 128 and a 12-megapixel photo averaged down to 128 reach the learned layers at the same scale.
- The trace view: float32 [M, 3, 128, 128] native-resolution crops (no resampling, see crops.py) of pictures
  larger than 128 px. The shipped trace views both read a frozen ImageNet-pretrained MobileNetV2 (stem and blocks
  0-10): Deep SVDD's head embeds its block-10 map, the autoencoder reconstructs it. The scratch encoders (TraceEncoder,
  TraceAutoencoder) see only the neighbour-pixel residual (NPR, Tan et al. CVPR 2024): what is left of each 2x2
  block after taking out its top-left pixel, where the upsampling of generators' decoders leaves its pattern and
  the content of the picture mostly does not; earlier rounds shipped them."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# Per-channel statistics of the natural training images (fixed normalisation, not learned).
CHANNEL_MEAN = (0.49, 0.48, 0.45)
CHANNEL_STD = (0.25, 0.24, 0.26)
STAT_NAMES = ('log_mean_chroma', 'log_chroma_spread', 'log_luma_contrast', 'log_luma_detail', 'log_shadow_clipping')
SHADOW_LEVEL = 0.04  # luma below ~10/255 counts as clipped shadow
CHROMA_FLOOR = 0.005  # smallest chroma the log resolves: colourless pictures land far out, not at a floor


TRACE_GAIN = 10.0  # residuals are ~0.01-0.05; bring them to unit scale for the first layer


def neighbour_residual(crops_128):
    """x - nearest-upsample(x[::2, ::2]) per channel, scaled (NPR)."""
    upsampled = F.interpolate(crops_128[:, :, ::2, ::2], scale_factor=2.0, mode='nearest')
    return (crops_128 - upsampled) * TRACE_GAIN


def to_working_scale(images_128):
    return F.avg_pool2d(images_128, 4)


def normalise(images_32):
    mean = images_32.new_tensor(CHANNEL_MEAN).view(1, 3, 1, 1)
    std = images_32.new_tensor(CHANNEL_STD).view(1, 3, 1, 1)
    return (images_32 - mean) / std


def image_statistics(images_32):
    """Colour, exposure and frequency statistics, one row per image. Natural photographs have colour,
    contrast, fine detail and clipped shadows in typical amounts; the log makes the absence (or excess) of any
    of them stand out."""
    chroma = images_32.max(dim=1).values - images_32.min(dim=1).values
    luma = 0.299 * images_32[:, 0] + 0.587 * images_32[:, 1] + 0.114 * images_32[:, 2]
    laplacian = (4 * luma[:, 1:-1, 1:-1] - luma[:, :-2, 1:-1] - luma[:, 2:, 1:-1]
                 - luma[:, 1:-1, :-2] - luma[:, 1:-1, 2:])
    flat = lambda t: t.flatten(1)
    return torch.stack([
        torch.log(flat(chroma).mean(1) + CHROMA_FLOOR),
        torch.log(flat(chroma).std(1) + CHROMA_FLOOR),
        torch.log(flat(luma).std(1) + 0.02),
        torch.log(flat(laplacian).abs().mean(1) + 0.02),
        torch.log((flat(luma) < SHADOW_LEVEL).float().mean(1) + 0.01),
    ], dim=1)


class SvddEncoder(nn.Module):
    """Deep SVDD encoder (Ruff et al.): no bias terms and no bounded activations, so it cannot map everything
    onto the centre with a constant."""

    def __init__(self, embedding_size=64, widths=(32, 64, 128)):
        super().__init__()
        layers, channels = [], 3
        for width in widths:  # two convolutions per scale: one per scale missed CIFAKE (validation AUROC 0.956 vs 0.977)
            for _ in range(2):
                layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                           nn.BatchNorm2d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1)]
                channels = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.embed = nn.Linear(channels * 4 * 4, embedding_size, bias=False)

    def forward(self, images_32):
        return self.embed(self.features(normalise(images_32)).flatten(1))


class StatisticsPrior(nn.Module):
    """One-class deviation of the image statistics from natural images: sum of squared z-scores. `excess` is what
    the whole-image scores add: the deviation beyond `knee` (train.py sets it to its 99th percentile on validation
    small real pictures), over `scale`. It is zero for 99% of natural pictures, so the prior adds no noise to the
    learned score there, and large for pictures whose statistics are beyond any natural picture's (colourless,
    flat, clipped)."""

    def __init__(self, stat_mean, stat_std):
        super().__init__()
        self.register_buffer('stat_mean', stat_mean)
        self.register_buffer('stat_std', stat_std)
        self.knee, self.scale = 0.0, 1.0  # set by train.py once the deviation on validation pictures is known

    def z_scores(self, images_32):
        return (image_statistics(images_32) - self.stat_mean) / self.stat_std

    def forward(self, images_32):
        return (self.z_scores(images_32) ** 2).sum(1)

    def excess(self, statistic_z):
        return torch.relu((statistic_z ** 2).sum(1) - self.knee) / self.scale


class SvddScorer(nn.Module):
    """Exported graph: image -> squared distance from the hypersphere centre of the learned embedding divided by
    its median on validation natural images, plus the statistics' excess (StatisticsPrior.excess)."""

    def __init__(self, encoder, centre, prior, embedding_scale):
        super().__init__()
        self.encoder = encoder
        self.prior = prior
        self.register_buffer('centre', centre)
        self.embedding_scale = float(embedding_scale)

    def forward(self, images_128):
        """(score [N], statistic_z [N, len(STAT_NAMES)]): the z-scores say which statistic is off, for explanations."""
        images_32 = to_working_scale(images_128)
        statistic_z = self.prior.z_scores(images_32)
        embedding_distance = ((self.encoder(images_32) - self.centre) ** 2).sum(1)
        return embedding_distance / self.embedding_scale + self.prior.excess(statistic_z), statistic_z


def autoencoder_layers(widths, latent_channels, output_activation=None):
    """(encoder, decoder) of both autoencoders: stride-2 convolutions down to a 1x1-convolution code, and back up
    to 3 channels (then `output_activation`, if any)."""
    enc, channels = [], 3
    for width in widths:
        enc += [nn.Conv2d(channels, width, 3, stride=2, padding=1), nn.BatchNorm2d(width), nn.LeakyReLU(0.1)]
        channels = width
    enc += [nn.Conv2d(channels, latent_channels, 1)]
    dec, channels = [nn.Conv2d(latent_channels, widths[-1], 1), nn.LeakyReLU(0.1)], widths[-1]
    for width in list(widths[:-1])[::-1] + [16]:
        # Nearest upsampling + 3x3 convolution: the same shape as a stride-2 transposed convolution, 4x faster to
        # train on a CPU and free of its checkerboard pattern.
        dec += [nn.Upsample(scale_factor=2.0, mode='nearest'), nn.Conv2d(channels, width, 3, padding=1),
                nn.BatchNorm2d(width), nn.LeakyReLU(0.1)]
        channels = width
    dec += [nn.Conv2d(channels, 3, 3, padding=1)]
    if output_activation is not None:
        dec.append(output_activation)
    return nn.Sequential(*enc), nn.Sequential(*dec)


class ConvAutoencoder(nn.Module):
    def __init__(self, widths=(32, 64, 128), latent_channels=16):
        super().__init__()
        self.encoder, self.decoder = autoencoder_layers(widths, latent_channels, nn.Sigmoid())

    def forward(self, images_32):
        return self.decoder(self.encoder(normalise(images_32)))


class AutoencoderScorer(nn.Module):
    """Exported graph: image -> (score, reconstruction at 32x32, per-pixel squared error map). The score is
    the mean reconstruction error divided by its validation median, plus the statistics' excess
    (StatisticsPrior.excess)."""

    def __init__(self, autoencoder, prior, error_scale):
        super().__init__()
        self.autoencoder = autoencoder
        self.prior = prior
        self.error_scale = float(error_scale)

    def forward(self, images_128):
        images_32 = to_working_scale(images_128)
        reconstruction = self.autoencoder(images_32)
        error_map = ((reconstruction - images_32) ** 2).mean(1)
        score = error_map.flatten(1).mean(1) / self.error_scale + self.prior.excess(self.prior.z_scores(images_32))
        return score, reconstruction, error_map


class TraceEncoder(nn.Module):
    """Deep SVDD encoder of the trace view: bias-free, non-affine batch norm, leaky ReLU (no constant solution),
    strided convolutions down to 8x8, then mean and max over positions (a trace anywhere in the crop counts)."""

    def __init__(self, embedding_size=64, widths=(24, 32, 64, 96, 128)):
        super().__init__()
        layers, channels = [], 3
        for index, width in enumerate(widths):
            layers += [nn.Conv2d(channels, width, 3, stride=1 if index == 0 else 2, padding=1, bias=False),
                       nn.BatchNorm2d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1)]
            channels = width
        self.features = nn.Sequential(*layers)
        self.embed = nn.Linear(2 * channels, embedding_size, bias=False)

    def forward(self, crops_128):
        features = self.features(neighbour_residual(crops_128)).flatten(2)
        return self.embed(torch.cat([features.mean(2), features.amax(2)], 1))


class TraceAutoencoder(nn.Module):
    """Autoencoder of the trace view: reconstructs the neighbour-pixel residual through a 16x16 bottleneck.
    Its score is the reconstruction error relative to the residual's energy (scale-free)."""

    def __init__(self, widths=(32, 64, 64), latent_channels=16):
        super().__init__()
        self.encoder, self.decoder = autoencoder_layers(widths, latent_channels)

    def crop_error(self, crops_128):
        """Each crop's reconstruction error relative to its residual's energy [M]."""
        residual = neighbour_residual(crops_128)
        error = ((self.decoder(self.encoder(residual)) - residual) ** 2).flatten(1).mean(1)
        return error / ((residual ** 2).flatten(1).mean(1) + 1e-3)


class FeatureAutoencoder(nn.Module):
    """Reconstructs the frozen backbone's block-10 map, standardised per channel by the real training rows'
    statistics (`mean`, `std`: buffers, zeros until fitted or loaded), through convolutions of `kernel` px and a
    `bottleneck`-channel code; a map's error is the mean squared error over channels and positions
    (results/feature-ae-probe.json chose 3x3 kernels and a 16-channel code on validation)."""

    def __init__(self, channels=96, width=64, bottleneck=16, kernel=3, mean=None, std=None):
        super().__init__()
        self.register_buffer('mean', (torch.zeros(channels) if mean is None else mean).view(1, -1, 1, 1).clone())
        self.register_buffer('std', (torch.ones(channels) if std is None else std).view(1, -1, 1, 1).clone())
        conv = lambda a, b: nn.Conv2d(a, b, kernel, padding=kernel // 2)
        self.encoder = nn.Sequential(conv(channels, width), nn.LeakyReLU(0.1), conv(width, bottleneck), nn.LeakyReLU(0.1))
        self.decoder = nn.Sequential(conv(bottleneck, width), nn.LeakyReLU(0.1), conv(width, channels))

    def error(self, maps):
        x = (maps - self.mean) / self.std
        return ((self.decoder(self.encoder(x)) - x) ** 2).flatten(1).mean(1)


class FeatureTraceAutoencoder(nn.Module):
    """Autoencoder of the trace view on ImageNet-pretrained features: the frozen MobileNetV2 stem and blocks 0-10
    (the trace Deep SVDD's backbone, feature_bank.shipped_extractor) into a FeatureAutoencoder of block 10's map,
    fitted on the same banked rows as Deep SVDD's head (objectives.train_feature_autoencoder)."""

    def __init__(self):
        super().__init__()
        import feature_bank  # reads the weights from node_modules/nsfwjs through node
        self.extractor = feature_bank.shipped_extractor()
        self.autoencoder = FeatureAutoencoder(self.extractor.map_channels)

    def crop_error(self, crops_128):
        """Each crop's reconstruction error of its standardised block-10 map [M]."""
        return self.autoencoder.error(self.extractor(crops_128)[0])


# The trace autoencoder's kinds: FeatureTraceAutoencoder and the pixel-residual TraceAutoencoder. Checkpoints
# written before the kind was recorded hold a pixel-residual one.
FEATURE_TRACE_AUTOENCODER, PIXEL_TRACE_AUTOENCODER = 'mobilenet-v2-b10-features', 'pixel-residual'
TRACE_AUTOENCODER_KINDS = (FEATURE_TRACE_AUTOENCODER, PIXEL_TRACE_AUTOENCODER)
# Which one training builds.
TRACE_AUTOENCODER = FEATURE_TRACE_AUTOENCODER


def trace_autoencoder(kind=TRACE_AUTOENCODER):
    """A new trace-view autoencoder of `kind` (one of TRACE_AUTOENCODER_KINDS)."""
    return FeatureTraceAutoencoder() if kind == FEATURE_TRACE_AUTOENCODER else TraceAutoencoder()


class TwoViewSvddScorer(nn.Module):
    """Exported Deep SVDD graph: (image [N], crops [M]) -> whole-image score [N], statistic_z [N, k], trace score
    [M]. Each score is a squared distance from its hypersphere centre divided by its validation median; the
    whole-image score adds the image statistics' deviation (also divided by its median)."""

    def __init__(self, whole, trace, trace_centre, trace_scale):
        super().__init__()
        self.whole = whole
        self.trace = trace
        self.register_buffer('trace_centre', trace_centre)
        self.trace_scale = float(trace_scale)

    def trace_distance(self, embeddings):
        """Each crop's trace score from its trace embedding [M]."""
        return ((embeddings - self.trace_centre) ** 2).sum(1) / self.trace_scale

    def forward(self, image, crops):
        score, statistic_z = self.whole(image)
        return score, statistic_z, self.trace_distance(self.trace(crops))


class TwoViewAutoencoderScorer(nn.Module):
    """Exported autoencoder graph: (image, crops) -> whole-image score, reconstruction, error map, trace score."""

    def __init__(self, whole, trace, trace_scale):
        super().__init__()
        self.whole = whole
        self.trace = trace
        self.trace_scale = float(trace_scale)

    def forward(self, image, crops):
        score, reconstruction, error_map = self.whole(image)
        return score, reconstruction, error_map, self.trace_error(self.trace.crop_error(crops))

    def trace_error(self, crop_errors):
        """Each crop's trace score from its reconstruction error [M]."""
        return crop_errors / self.trace_scale


class PretrainedTraceEncoder(nn.Module):
    """Deep SVDD encoder of the trace view on ImageNet-pretrained features: MobileNetV2's stem and blocks 0-10
    (pretrained.py, frozen; they see the RGB crop, not the residual) and a small trainable bias-free head with
    non-affine batch norm (no constant solution), then mean and max over positions and a linear embedding."""

    def __init__(self, last_block=10, width=128, embedding_size=64):
        super().__init__()
        import pretrained  # reads the weights from node_modules/nsfwjs through node
        self.backbone = pretrained.MobileNetV2Features(last_block)
        self.head = nn.Sequential(
            nn.Conv2d(self.backbone.channels, width, 1, bias=False), nn.BatchNorm2d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1),
            nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width, eps=1e-4, affine=False), nn.LeakyReLU(0.1))
        self.embed = nn.Linear(2 * width, embedding_size, bias=False)

    def forward(self, crops_128):
        features = self.head(self.backbone(crops_128)).flatten(2)
        return self.embed(torch.cat([features.mean(2), features.amax(2)], 1))


class BankedTraceEncoder(nn.Module):
    """Deep SVDD encoder of the trace view whose head is fitted on banked features (feature_bank.py): the frozen
    MobileNetV2 (blocks 0-10; per-channel statistics of blocks 2 and 5 too when feature_bank.USE_TAPS) into
    feature_bank.Head."""

    def __init__(self, head_width=None, head_members=None):
        super().__init__()
        import feature_bank  # reads the weights from node_modules/nsfwjs through node
        self.extractor = feature_bank.shipped_extractor()
        self.head = feature_bank.shipped_head(self.extractor, head_width, head_members)

    def forward(self, crops_128):
        return self.head(*self.extractor(crops_128))


# Which trace encoder training builds (validation figures: results/pretrained-probe.json, results/feature-probe.json).
TRACE_ENCODER = 'mobilenet-v2-taps'


def trace_encoder(kind=TRACE_ENCODER, head_width=None, head_members=None):
    """A new trace-view Deep SVDD encoder of `kind` ('scratch-npr': TraceEncoder; 'mobilenet-v2-b10':
    PretrainedTraceEncoder, trained online; 'mobilenet-v2-taps': BankedTraceEncoder, head fitted on banked features,
    `head_width` wide: feature_bank.HEAD_WIDTH unless given; `head_members` heads: feature_bank.HEAD_MEMBERS unless given)."""
    if kind == 'scratch-npr':
        return TraceEncoder()
    return BankedTraceEncoder(head_width, head_members) if kind == 'mobilenet-v2-taps' else PretrainedTraceEncoder(int(kind.rsplit('-b', 1)[1]))
