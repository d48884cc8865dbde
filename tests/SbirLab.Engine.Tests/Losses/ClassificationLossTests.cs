using SbirLab.Engine.Losses;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Losses;

public class ClassificationLossTests
{
    [Fact]
    public void CrossEntropyMatchesHandValue()
    {
        using var scope = NewDisposeScope();

        // Logits [0, ln 3] → softmax [1/4, 3/4]; class 1: −ln(3/4) = 0.2876821.
        var logits = Points([0, Math.Log(3)]);

        Assert.Equal(0.2876821, Scalar(ClassificationLoss.CrossEntropy(logits, Labels(1))), 5);
    }

    [Fact]
    public void LabelSmoothingSpreadsTheTarget()
    {
        using var scope = NewDisposeScope();
        var logits = Points([0, Math.Log(3)]);

        var loss = ClassificationLoss.CrossEntropy(logits, Labels(1), labelSmoothing: 0.2);

        // ε = 0.2, C = 2: target [0.1, 0.9]; −(0.1·ln ¼ + 0.9·ln ¾) = 0.1386294 + 0.2589139 = 0.3975433.
        Assert.Equal(0.3975433, Scalar(loss), 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationLoss.CrossEntropy(logits, Labels(1), 1.0));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsMatchesHandValue()
    {
        using var scope = NewDisposeScope();

        // z = 0, y = 0: −ln(1 − ½) = ln 2 = 0.6931472; z = ln 3, y = 1: −ln σ(ln 3) = −ln ¾ = 0.2876821. Mean = 0.4904146.
        var logits = tensor(new float[] { 0, (float)Math.Log(3) }).reshape(2, 1).to(TestDevice);

        var loss = ClassificationLoss.BinaryCrossEntropyWithLogits(logits, Mask(false, true));

        Assert.Equal(0.4904146, Scalar(loss), 5);
    }

    [Fact]
    public void BinaryCrossEntropyFromProbabilitiesAgreesWithLogitForm()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { -2, 0.5f, 3 }).to(TestDevice);
        var targets = tensor(new float[] { 0, 1, 0 }).to(TestDevice);

        var fromLogits = Scalar(ClassificationLoss.BinaryCrossEntropyWithLogits(logits, targets));
        var fromProbabilities = Scalar(ClassificationLoss.BinaryCrossEntropy(logits.sigmoid(), targets));

        // −[ln(1 − σ(−2)) + ln σ(0.5) + ln(1 − σ(3))] / 3 = (0.126928 + 0.474077 + 3.048587) / 3 = 1.216531.
        Assert.Equal(1.216531, fromLogits, 4);
        Assert.Equal(fromLogits, fromProbabilities, 4);
    }

    [Fact]
    public void LogitFormStaysFiniteForSaturatedLogits()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 200, -200 }).to(TestDevice).requires_grad_();

        var loss = ClassificationLoss.BinaryCrossEntropyWithLogits(logits, Mask(false, true));
        loss.backward();

        // Both predictions are confidently wrong by 200: loss = softplus(200) = 200 each.
        Assert.Equal(200, Scalar(loss), 3);
        AssertFiniteGradient(logits);
    }
}
