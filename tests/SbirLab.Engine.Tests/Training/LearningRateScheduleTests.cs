using SbirLab.Core.Configs;
using SbirLab.Engine.Training;

namespace SbirLab.Engine.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void WarmupIsLinearThenCosineDecaysToTheFloor()
    {
        // base 0.1, 100 steps, 10 of warm-up, floor 0.
        var schedule = new LearningRateSchedule(new ScheduleConfig { Name = ScheduleKind.Cosine }, 0.1, 100, 10);
        Assert.Equal(0.01, schedule.At(0), 12);   // 0.1 · 1/10
        Assert.Equal(0.1, schedule.At(9), 12);    // 0.1 · 10/10
        Assert.Equal(0.1, schedule.At(10), 12);   // cosine starts at the base rate
        Assert.Equal(0.05, schedule.At(55), 12);  // halfway through the 90 decay steps: 0.1 · ½(1 + cos(π/2))
        Assert.True(schedule.At(99) < 0.0001);
    }

    [Fact]
    public void CosineFloorAndConstant()
    {
        var floored = new LearningRateSchedule(new ScheduleConfig { Name = ScheduleKind.Cosine, MinLearningRateFactor = 0.1 }, 1.0, 100, 0);
        Assert.Equal(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.5)), floored.At(50), 12);
        var constant = new LearningRateSchedule(new ScheduleConfig { Name = ScheduleKind.Constant }, 0.3, 100, 0);
        Assert.Equal(0.3, constant.At(77), 12);
    }
}
