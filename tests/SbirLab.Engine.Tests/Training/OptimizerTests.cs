using SbirLab.Core.Configs;
using SbirLab.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SbirLab.Engine.Tests.Training;

public class OptimizerTests
{
    [Fact]
    public void SgdMomentumAndWeightDecayFollowPyTorchsRule()
    {
        // p = 1, grad = 0.5 each step, weight decay 0.1, momentum 0.9, lr 0.1:
        // step 1: d = 0.5 + 0.1·1 = 0.6, buf = 0.6, p = 1 − 0.06 = 0.94
        // step 2: d = 0.5 + 0.094 = 0.594, buf = 0.9·0.6 + 0.594 = 1.134, p = 0.94 − 0.1134 = 0.8266
        var p = new TorchSharp.Modules.Parameter(tensor(new[] { 1f }));
        using var optimizer = new Optimizer([("p", p)], new OptimizerConfig { Momentum = 0.9, WeightDecay = 0.1 });
        for (int i = 0; i < 2; i++)
        {
            p.grad = tensor(new[] { 0.5f });
            optimizer.Step(0.1);
        }
        Assert.Equal(0.8266f, p.data<float>()[0], 5);
    }

    [Fact]
    public void NesterovUsesTheLookAhead()
    {
        // p = 0, grad = 1, momentum 0.5, lr 1: step 1 buf = 1, d = 1 + 0.5·1 = 1.5, p = −1.5.
        var p = new TorchSharp.Modules.Parameter(tensor(new[] { 0f }));
        using var optimizer = new Optimizer([("p", p)], new OptimizerConfig { Momentum = 0.5, Nesterov = true });
        p.grad = tensor(new[] { 1f });
        optimizer.Step(1.0);
        Assert.Equal(-1.5f, p.data<float>()[0], 6);
    }

    [Fact]
    public void StateRoundTripsThroughItsDictionary()
    {
        var p = new TorchSharp.Modules.Parameter(tensor(new[] { 1f, 2f }));
        using var first = new Optimizer([("p", p)], new OptimizerConfig { Momentum = 0.9 });
        p.grad = tensor(new[] { 1f, -1f });
        first.Step(0.1);
        var state = first.StateDict();
        using var second = new Optimizer([("p", p)], new OptimizerConfig { Momentum = 0.9 });
        second.LoadStateDict(state, CPU);
        Assert.Equal(1, second.Steps);
        Assert.Equal(state["p.momentum"].data<float>().ToArray(), second.StateDict()["p.momentum"].data<float>().ToArray());
    }
}
