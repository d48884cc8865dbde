using SbirLab.Engine.Evaluation;

namespace SbirLab.Engine.Tests.Evaluation;

/// <summary>The ranks at which curves are stored.</summary>
public class RankSamplingTests
{
    [Fact]
    public void ShortListsKeepEveryRank() => Assert.Equal([1, 2, 3, 4, 5], RankSampling.Even(5, 100));

    [Fact]
    public void LongListsAreSampledEvenlyFromOneToTheEnd()
    {
        // 1 + round(i · 9 / 3) for i = 0..3 = 1, 4, 7, 10.
        Assert.Equal([1, 4, 7, 10], RankSampling.Even(10, 4));
    }

    [Theory]
    [InlineData(101, 100)]
    [InlineData(14501, 100)]
    [InlineData(1000, 2)]
    public void SampledRanksStartAtOneEndAtTheLengthAndIncrease(int length, int points)
    {
        var ranks = RankSampling.Even(length, points);

        Assert.Equal(points, ranks.Length);
        Assert.Equal(1, ranks[0]);
        Assert.Equal(length, ranks[^1]);
        Assert.All(ranks.Zip(ranks.Skip(1)), pair => Assert.True(pair.First < pair.Second));
    }
}
