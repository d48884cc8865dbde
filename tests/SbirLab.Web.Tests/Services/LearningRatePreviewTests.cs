using SbirLab.Web.Services;

namespace SbirLab.Web.Tests.Services;

public sealed class LearningRatePreviewTests : IDisposable
{
    private readonly TestLab _lab = new();

    [Fact]
    public void Steps_per_epoch_follow_the_data_set_and_the_sampler()
    {
        // 60,000 FashionMNIST training images / batch 100 = 600 batches (the shuffle sampler drops the rest).
        Assert.Equal((600, true), LearningRatePreview.StepsPerEpoch(_lab.Triplet()));
        // 2,000 images / 100 = 20; capped at 15 by maxStepsPerEpoch.
        Assert.Equal((20, true), LearningRatePreview.StepsPerEpoch(_lab.Triplet("data.trainLimit=2000")));
        Assert.Equal((15, true), LearningRatePreview.StepsPerEpoch(_lab.Triplet("data.trainLimit=2000", "training.maxStepsPerEpoch=15")));
        // PK: 60,000 / (4 classes × 4 items × 2 images) = 1,875.
        Assert.Equal((1875, true), LearningRatePreview.StepsPerEpoch(_lab.Triplet("batch.sampler=\"pk\"", "batch.classes=4", "batch.items=4", "batch.imagesPerItem=2")));
        // Pseudo-sketches: the sampler runs the photos and their sketches, 120,000 images / 100 = 1,200 (the preview once showed 600).
        Assert.Equal((1200, true), LearningRatePreview.StepsPerEpoch(_lab.Triplet("data.dataset=\"fashion-mnist-sketch\"")));
        // Folders: the size is unknown before the run.
        Assert.False(LearningRatePreview.StepsPerEpoch(_lab.Triplet("data.dataset=\"folders\"")).Known);
    }

    [Fact]
    public void The_curve_warms_up_linearly_then_decays_by_cosine_to_the_floor()
    {
        // lr 0.1, 10 epochs of 20 steps, 2 warm-up epochs (40 steps), floor 0.1 × lr.
        var config = _lab.Triplet("optimizer.learningRate=0.1", "training.epochs=10", "data.trainLimit=2000",
            "schedule.warmupEpochs=2", "schedule.minLearningRateFactor=0.1");
        var curve = LearningRatePreview.Curve(config, points: 200);

        Assert.Equal(20, curve.StepsPerEpoch);
        // Step 0 of a 40-step warm-up: 0.1 × 1/40 = 0.0025, at epoch 0.
        Assert.Equal(0.0, curve.Epochs[0]);
        Assert.Equal(0.0025, curve.Rates[0], 12);
        // The peak is the base rate, first reached at the last warm-up step: 0.1 × 40/40 at step 39 = epoch 1.95.
        int peak = Array.IndexOf(curve.Rates, curve.Rates.Max());
        Assert.Equal(0.1, curve.Rates[peak], 12);
        Assert.Equal(39.0 / 20, curve.Epochs[peak], 9);
        Assert.Equal(200, curve.Rates.Length); // every step once: 200 steps fit in 200 points
        // Last step (199): progress 159/160, rate = 0.1·(0.1 + 0.9·½(1 + cos(π·159/160))) ≈ 0.010009.
        Assert.Equal(199.0 / 20, curve.Epochs[^1], 9);
        Assert.Equal(0.1 * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 159 / 160))), curve.Rates[^1], 12);
        // Rising during warm-up, never rising after it.
        for (int i = 1; i <= peak; i++) Assert.True(curve.Rates[i] > curve.Rates[i - 1]);
        for (int i = peak + 1; i < curve.Rates.Length; i++) Assert.True(curve.Rates[i] <= curve.Rates[i - 1]);
    }

    [Fact]
    public void A_constant_schedule_is_flat()
    {
        var curve = LearningRatePreview.Curve(_lab.Triplet("schedule.name=\"constant\"", "optimizer.learningRate=0.02"));
        Assert.All(curve.Rates, r => Assert.Equal(0.02, r, 12));
    }

    public void Dispose() => _lab.Dispose();
}
