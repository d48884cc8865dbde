#!/usr/bin/python3
"""Peer of SbirLab's epoch benchmark: seed 004's ConvNet trained for whole epochs in PyTorch with the
fashion-mnist templates' settings (shuffled batches of 100 without replacement, SGD lr 0.05 with momentum 0.9
and weight decay 1e-4 on a cosine schedule, cross-entropy, batch-all triplet over the first 10 anchors with
alpha 0.2, or Smooth-AP over the first 10 anchors with tau 0.01), on the training images SbirLab's run uses
(--indices). Reads each step's loss on the host once, as a training loop that logs it must.
Prints one JSON line: seconds of each epoch and the peak resident memory."""
import argparse, json, math, os, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from fashion_mnist_idx import find, read_idx


class ConvNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 32, 3), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
            nn.Conv2d(32, 64, 3), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d((2, 2)), nn.Flatten())
        self.classifier = nn.Linear(64 * 2 * 2, num_classes)

    def forward(self, x):
        hidden = self.features(x)
        return F.normalize(hidden, p=2, dim=1), self.classifier(hidden)


def masks(labels, k):
    """Positives and negatives of the first k anchors: [k, B] bool each."""
    k = min(k, labels.shape[0])
    same = labels[:k, None] == labels[None, :]
    not_self = torch.arange(labels.shape[0])[None, :] != torch.arange(k)[:, None]
    return same & not_self, ~same


def triplet_batch_all(emb, labels, k=10, margin=0.2):
    d = torch.cdist(emb[:k], emb).pow(2)
    pos, neg = masks(labels, k)
    valid = pos[:, :, None] & neg[:, None, :]
    terms = F.relu(d[:, :, None] - d[:, None, :] + margin)[valid]
    return terms.mean() if terms.numel() else emb.sum() * 0


def smooth_ap(emb, labels, k=10, tau=0.01):
    d = torch.cdist(emb[:k], emb).pow(2)
    pos, neg = masks(labels, k)
    soft = torch.sigmoid((d[:, :, None] - d[:, None, :]) / tau)          # [k, p, x]: sigma(d_p - d_x)
    before = (soft * neg[:, None, :]).sum(2)
    rank = (soft * (pos | neg)[:, None, :]).sum(2)
    ratio = (before / rank.masked_fill(~pos, 1.0)).masked_fill(~pos, 0.0)
    return ratio.sum() / pos.any(1).sum().clamp_min(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--indices", help="file of training-image indices, one a line (default: all)")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--loss", choices=["ce", "triplet", "smooth-ap"], default="ce")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = read_idx(find(a.data, "train-images-idx3-ubyte"))
    labels = read_idx(find(a.data, "train-labels-idx1-ubyte")).astype(np.int64)
    if a.indices:
        with open(a.indices) as f:
            keep = np.array([int(line) for line in f if line.strip()], dtype=np.int64)
        images, labels = images[keep], labels[keep]
    images = torch.from_numpy(images.copy()).unsqueeze(1)
    labels = torch.from_numpy(labels.copy())
    net = ConvNet()
    net.train()
    base_lr = 0.05
    opt = torch.optim.SGD(net.parameters(), lr=base_lr, momentum=0.9, weight_decay=1e-4)
    steps_per_epoch = images.shape[0] // a.batch
    total_steps = steps_per_epoch * a.epochs
    mean, std = 0.2860, 0.3530
    step = 0
    seconds = []
    for epoch in range(a.epochs):
        start = time.perf_counter()
        order = torch.randperm(images.shape[0])
        loss_sum = 0.0
        for b in range(steps_per_epoch):
            idx = order[b * a.batch:(b + 1) * a.batch]
            x = images[idx].float().div_(255).sub_(mean).div_(std)
            y = labels[idx]
            for group in opt.param_groups:
                group["lr"] = base_lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))
            opt.zero_grad()
            emb, logits = net(x)
            if a.loss == "ce":
                loss = F.cross_entropy(logits, y)
            elif a.loss == "triplet":
                loss = triplet_batch_all(emb, y)
            else:
                loss = smooth_ap(emb, y)
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            step += 1
        seconds.append(time.perf_counter() - start)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child of a big parent would report the parent's peak.
    with open("/proc/self/status") as status:
        peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(json.dumps({"epoch_seconds": seconds, "peak_rss_mib": peak_kib / 1024, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "images": int(images.shape[0]), "last_mean_loss": loss_sum / steps_per_epoch}))


if __name__ == "__main__":
    main()
