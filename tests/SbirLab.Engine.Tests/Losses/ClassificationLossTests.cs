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
}
