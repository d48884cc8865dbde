#!/usr/bin/python3
"""PyTorch eager peer for a ResNet-34 two-branch siamese training step (seed 000's model: a ResNet-34 per domain,
the shared Linear 512 -> BatchNorm1d -> ReLU -> Linear 512 head with L2 normalisation, a shared 250-way classifier),
trained on generated 224x224 RGB images: B sketches and their B paired photos per step, cross-entropy on both domains
plus a triplet term (the paired photo is the positive, the next pair's photo the negative), SGD with momentum.
Images are generated once on the device, so the figure is the training step alone. Prints one JSON line.

  python3 benchmarks/pytorch/siamese_resnet_bench.py --device cuda --batch 32 --steps 50
  python3 benchmarks/pytorch/siamese_resnet_bench.py --device cpu --size 64 --batch 4 --steps 2 --warmup 1   # a smoke run
"""
import argparse, json, os, time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    """torchvision's BasicBlock (ResNet-18/34)."""

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet34Features(nn.Module):
    """torchvision's resnet34 up to the global average pool: [B, 3, H, W] -> [B, 512]."""

    def __init__(self, channels=3):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, inplanes = [], 64
        for planes, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            stage = [BasicBlock(inplanes, planes, stride)] + [BasicBlock(planes, planes) for _ in range(blocks - 1)]
            layers.append(nn.Sequential(*stage))
            inplanes = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


class TwoBranchSiamese(nn.Module):
    def __init__(self, classes=250, hidden=512, embedding=512):
        super().__init__()
        self.sketch = ResNet34Features()
        self.photo = ResNet34Features()
        self.head = nn.Sequential(nn.Linear(512, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True), nn.Linear(hidden, embedding))
        self.classifier = nn.Linear(embedding, classes)

    def encode(self, x, branch):
        emb = F.normalize(self.head(branch(x)), p=2, dim=1)
        return emb, self.classifier(emb)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--batch", type=int, default=32, help="pairs per step: B sketches + B photos")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--classes", type=int, default=250)
    p.add_argument("--margin", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="CPU threads (our engine uses every core)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    model = TwoBranchSiamese(a.classes).to(device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    pool = 4  # distinct generated batches, cycled
    sketches = torch.rand(pool, a.batch, 3, a.size, a.size, device=device)
    photos = torch.rand(pool, a.batch, 3, a.size, a.size, device=device)
    labels = torch.randint(0, a.classes, (pool, a.batch), device=device)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def step(i):
        k = i % pool
        optimizer.zero_grad(set_to_none=True)
        es, ls = model.encode(sketches[k], model.sketch)
        ep, lp = model.encode(photos[k], model.photo)
        triplet = F.triplet_margin_loss(es, ep, ep.roll(1, 0), margin=a.margin)
        loss = F.cross_entropy(ls, labels[k]) + F.cross_entropy(lp, labels[k]) + triplet
        loss.backward()
        optimizer.step()
        return loss

    for i in range(a.warmup):
        step(i)
    sync()
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    start = time.perf_counter()
    for i in range(a.steps):
        loss = step(a.warmup + i)
    last = loss.item()  # one host sync at the end
    sync()
    seconds = time.perf_counter() - start
    print(json.dumps({
        "engine": "pytorch-eager", "torch": torch.__version__, "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "model": "resnet34 two-branch siamese", "image_size": a.size, "pairs_per_step": a.batch,
        "steps": a.steps, "warmup": a.warmup, "ms_per_step": round(1000 * seconds / a.steps, 3),
        "images_per_s": round(2 * a.batch * a.steps / seconds, 2), "last_loss": round(last, 4),
        "peak_gpu_mib": round(torch.cuda.max_memory_allocated(device) / 2**20) if device.type == "cuda" else None,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
