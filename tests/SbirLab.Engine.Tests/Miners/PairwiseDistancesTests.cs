using SbirLab.Engine.Miners;
using static SbirLab.Engine.Tests.Losses.BatchReference;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Miners;

public class PairwiseDistancesTests
{
    [Fact]
    public void SquaredEuclideanMatchesHandValues()
    {
        using var scope = NewDisposeScope();
        var x = Points([0, 0], [3, 4]);
        var y = Points([0, 0], [1, 0], [3, 4]);

        var distances = PairwiseDistances.SquaredEuclidean(x, y);

        // (0,0)→(0,0): 0; (0,0)→(1,0): 1; (0,0)→(3,4): 9 + 16 = 25;
        // (3,4)→(0,0): 25; (3,4)→(1,0): 2² + 4² = 20; (3,4)→(3,4): 0.
        double[] expected = [0, 1, 25, 25, 20, 0];
        Assert.Equal([2L, 3L], distances.shape);
        var actual = distances.cpu().data<float>().ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 4);
        }
    }

    [Fact]
    public void SquaredEuclideanMatchesLoopAndIsNeverNegative()
    {
        using var scope = NewDisposeScope();
        var (embeddings, _) = RandomBatch();
        var rows = Rows(embeddings);

        var distances = Rows(PairwiseDistances.SquaredEuclidean(embeddings, embeddings));

        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < rows.Length; j++)
            {
                Assert.True(distances[i][j] >= 0);
                Assert.Equal(SquaredDistance(rows[i], rows[j]), distances[i][j], 5);
            }
        }
    }

    [Fact]
    public void GradientIsFiniteForCoincidingRows()
    {
        using var scope = NewDisposeScope();
        var x = zeros(3, 2, device: TestDevice).requires_grad_();

        PairwiseDistances.SquaredEuclidean(x, x).sum().backward();

        AssertFiniteGradient(x);
    }

    [Fact]
    public void RejectsMismatchedWidths()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => PairwiseDistances.SquaredEuclidean(zeros(2, 3), zeros(2, 4)));
    }
}
