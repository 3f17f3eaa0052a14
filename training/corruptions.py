"""Generic, procedurally generated corruptions of natural images: the only anomalies training ever sees
(Deep SAD's labelled anomalies). None removes colour and none draws digits, clothing or text: nothing is
shaped after an evaluation set."""
import torch
import torch.nn.functional as F


def gaussian_noise(images, generator):
    sigma = torch.empty(images.shape[0], 1, 1, 1).uniform_(0.04, 0.2, generator=generator)
    return images + sigma * torch.randn(images.shape, generator=generator)


def blur(images, generator):
    sigma = float(torch.empty(1).uniform_(1.0, 2.0, generator=generator))
    radius = 3
    taps = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-taps ** 2 / (2 * sigma ** 2))
    kernel = (kernel / kernel.sum())
    padded = F.pad(images, (radius,) * 4, mode='reflect')
    horizontal = F.conv2d(padded, kernel.view(1, 1, 1, -1).repeat(3, 1, 1, 1), groups=3)
    return F.conv2d(horizontal, kernel.view(1, 1, -1, 1).repeat(3, 1, 1, 1), groups=3)


def patch_shuffle(images, generator):
    size = 8
    n, c, h, w = images.shape
    patches = images.unfold(2, size, size).unfold(3, size, size).reshape(n, c, -1, size, size)
    order = torch.randperm(patches.shape[2], generator=generator)
    patches = patches[:, :, order].reshape(n, c, h // size, w // size, size, size)
    return patches.permute(0, 1, 2, 4, 3, 5).reshape(n, c, h, w)


def cut_paste(images, generator):
    out = images.clone()
    donors = images[torch.randperm(images.shape[0], generator=generator)]
    for index in range(images.shape[0]):
        size = int(torch.randint(8, 17, (1,), generator=generator))
        sy, sx, ty, tx = (int(v) for v in torch.randint(0, 32 - size + 1, (4,), generator=generator))
        out[index, :, ty:ty + size, tx:tx + size] = donors[index, :, sy:sy + size, sx:sx + size]
    return out


def periodic_pattern(images, generator):
    """A faint pixel-period texture, as left by strided upsampling layers."""
    period = int(torch.randint(2, 5, (1,), generator=generator))
    tile = torch.rand(3, period, period, generator=generator) - 0.5
    pattern = tile.repeat(1, 32 // period + 1, 32 // period + 1)[:, :32, :32]
    amplitude = torch.empty(images.shape[0], 1, 1, 1).uniform_(0.06, 0.2, generator=generator)
    return images + amplitude * pattern


def pixelate(images, generator):
    factor = int(torch.randint(2, 5, (1,), generator=generator))
    small = F.avg_pool2d(images, factor, ceil_mode=True)
    return F.interpolate(small, scale_factor=factor, mode='nearest')[:, :, :32, :32]


def channel_misalign(images, generator):
    out = images.clone()
    channel = int(torch.randint(0, 3, (1,), generator=generator))
    dy, dx = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
    out[:, channel] = torch.roll(images[:, channel], shifts=(dy, dx), dims=(1, 2))
    return out


def ghosting(images, generator):
    donors = images[torch.randperm(images.shape[0], generator=generator)]
    alpha = torch.empty(images.shape[0], 1, 1, 1).uniform_(0.3, 0.5, generator=generator)
    return (1 - alpha) * images + alpha * donors


def posterize(images, generator):
    levels = int(torch.randint(2, 5, (1,), generator=generator))
    return torch.round(images * (levels - 1)) / (levels - 1)


def local_scramble(images, generator):
    """Swap every pixel with a random neighbour: local structure destroyed, colours kept."""
    n, c, h, w = images.shape
    dy = torch.randint(-1, 2, (h, w), generator=generator)
    dx = torch.randint(-1, 2, (h, w), generator=generator)
    ys = (torch.arange(h).view(-1, 1) + dy).clamp(0, h - 1)
    xs = (torch.arange(w).view(1, -1) + dx).clamp(0, w - 1)
    return images[:, :, ys, xs]


CORRUPTIONS = (gaussian_noise, blur, patch_shuffle, cut_paste, periodic_pattern, pixelate, channel_misalign,
               ghosting, posterize, local_scramble)


def corrupt(images, generator):
    """Each image gets one corruption chosen at random (applied group-wise for speed)."""
    choice = torch.randint(0, len(CORRUPTIONS), (images.shape[0],), generator=generator)
    out = images.clone()
    for index, corruption in enumerate(CORRUPTIONS):
        mask = choice == index
        if mask.any():
            out[mask] = corruption(images[mask], generator)
    return out.clamp(0, 1)
