"""How much compute buys on CIFAKE: the whole-image Deep SVDD encoder (and a ResNet-18 for scale) trained on the
CIFAKE train split alone with the hypersphere-classifier objective, for several widths and epoch counts; prints the
validation AUROC (the last 10,000 of the split, as train.py) plainly and with the mean of each picture's and its
mirror image's distance (not shipped: training/README.md), and the TPR at 1% FPR. An experiment, not part of models:train: on a GPU the whole sweep takes
about 4 minutes (on this 2-core machine, hours).

    python3 training/compute_curve.py            # every configuration
    python3 training/compute_curve.py base mid:5  # one encoder's every epoch count, or one configuration
"""
import os
import sys
import time
import json
import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import networks  # noqa: E402
import common  # noqa: E402
import objectives  # noqa: E402
import whole_view  # noqa: E402

DEVICE = 'cuda' if torch.cuda.is_available() else 'cpu'


class ResNet18Encoder(nn.Module):
    """torchvision's ResNet-18 for 32-px inputs (3x3 stem, no max pool), 64-d embedding."""

    def __init__(self):
        super().__init__()
        import torchvision
        self.net = torchvision.models.resnet18(num_classes=64)
        self.net.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.net.maxpool = nn.Identity()

    def forward(self, images_32):
        return self.net(networks.normalise(images_32))


def mean_with_mirror(function, images_32):
    """The mean of a per-image `function` over each image and its mirror image, in one batch."""
    count = images_32.shape[0]
    values = function(torch.cat([images_32, images_32.flip(3)]))
    return (values[:count] + values[count:]) / 2


def svdd(widths):
    return lambda: networks.SvddEncoder(widths=widths)


CONFIGURATIONS = [  # name, encoder, epochs (the shipped one: 'base' 3 epochs, with more training data)
    ('base', svdd((32, 64, 128)), 3), ('base', svdd((32, 64, 128)), 6), ('base', svdd((32, 64, 128)), 12),
    ('base', svdd((32, 64, 128)), 30),
    ('wide', svdd((64, 128, 256)), 3), ('wide', svdd((64, 128, 256)), 12),
    ('mid', svdd((24, 48, 96)), 4), ('mid', svdd((24, 48, 96)), 5), ('mid', svdd((24, 48, 96)), 6), ('mid', svdd((24, 48, 96)), 9),
    ('narrow', svdd((16, 32, 64)), 6), ('narrow', svdd((16, 32, 64)), 8), ('narrow', svdd((16, 32, 64)), 12),
    ('narrow', svdd((16, 32, 64)), 20), ('narrow', svdd((16, 32, 64)), 30),
    ('resnet18', ResNet18Encoder, 12),
]


def multiply_accumulates(model):
    total = [0]

    def count(module, _, out):
        if isinstance(module, nn.Conv2d):
            total[0] += out[0].numel() * module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        elif isinstance(module, nn.Linear):
            total[0] += module.in_features * module.out_features
    hooks = [m.register_forward_hook(count) for m in model.modules()]
    with torch.no_grad():
        model(torch.zeros(1, 3, 32, 32, device=DEVICE))
    for hook in hooks:
        hook.remove()
    return total[0]


@torch.no_grad()
def distances(encoder, centre, images, mirror):
    out = []
    for i in range(0, len(images), 2048):
        distance = lambda x: ((encoder(x) - centre) ** 2).sum(1)
        chunk = images[i:i + 2048]
        out.append(mean_with_mirror(distance, chunk) if mirror else distance(chunk))
    return torch.cat(out).cpu().numpy()


def measure(encoder, centre, real, fake):
    encoder.eval()
    figures = {}
    for mirror in (False, True):
        negative, positive = distances(encoder, centre, real, mirror), distances(encoder, centre, fake, mirror)
        tpr = float((positive >= np.quantile(negative, 0.99)).mean())
        figures['mirror' if mirror else 'plain'] = {'auroc': round(common.auroc(negative, positive), 4), 'tprAt1%': round(tpr, 4)}
    return figures


def run(make, epochs, real, fake, batch=192, seed=0):
    torch.manual_seed(seed)
    generator = torch.Generator(device=DEVICE).manual_seed(seed)
    encoder = make().to(DEVICE)
    centre = objectives.initial_centre(encoder, real[:4096])
    steps = len(real) // batch
    optimiser, schedule = objectives.one_cycle(encoder.parameters(), epochs * steps)
    for _ in range(epochs):
        encoder.train()
        order = torch.randperm(len(real), device=DEVICE, generator=generator)
        for step in range(steps):
            both = torch.cat([real[order[step * batch:(step + 1) * batch]],
                              fake[torch.randint(0, len(fake), (batch,), device=DEVICE, generator=generator)]])
            flip = torch.rand(len(both), device=DEVICE, generator=generator) < 0.5
            both = torch.where(flip[:, None, None, None], both.flip(3), both)
            loss = objectives.hypersphere_classifier_loss(((encoder(both) - centre) ** 2).sum(1), batch, 1.0)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    return encoder, centre


def main():
    wanted = sys.argv[1:]
    torch.backends.cudnn.benchmark = True
    started = time.time()
    pixels, labels = whole_view.load_cifake()
    n_val = whole_view.CIFAKE_VALIDATION
    train_px, train_lb, val_px, val_lb = pixels[:-n_val], labels[:-n_val], pixels[-n_val:], labels[-n_val:]
    tensor = lambda images: common.to_tensor(images).to(DEVICE)
    real, fake = tensor(train_px[train_lb == 0]), tensor(train_px[train_lb == 1])
    val_real, val_fake = tensor(val_px[val_lb == 0]), tensor(val_px[val_lb == 1])
    print(f'CIFAKE: {len(real)} real + {len(fake)} generated for training, validation {len(val_real)} + {len(val_fake)} ({DEVICE})', flush=True)
    for name, make, epochs in CONFIGURATIONS:
        if wanted and name not in wanted and f'{name}:{epochs}' not in wanted:
            continue
        t = time.time()
        encoder, centre = run(make, epochs, real, fake)
        print(json.dumps({'encoder': name, 'epochs': epochs, 'megaMacsPerImage': round(multiply_accumulates(encoder) / 1e6),
                          'seconds': round(time.time() - t), **measure(encoder, centre, val_real, val_fake)}), flush=True)
    print(f'total {time.time() - started:.0f}s')


if __name__ == '__main__':
    main()
